package dev.unifarm.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.api.config.UnifarmConfig;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's "Configuration" table names every {@code unifarm.*} key the farm reads ({@link UnifarmConfig},
 * walked as SmallRye maps it: kebab-case, nested groups, {@code <name>} for map keys) and every one
 * application.properties sets; and names no key the farm does not have.
 */
class ReadmeConfigTableTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern PLACEHOLDER = Pattern.compile("\"?<[^>]+>\"?");

    @Test
    void testTable_namesEveryKeyOfTheConfigMapping() throws IOException {
        Set<String> documented = documentedKeys();

        List<String> missing = mappingKeys().stream().filter(key -> documented.stream().noneMatch(doc -> matches(doc, key)))
                .toList();

        assertThat(missing).as("unifarm.* keys missing from README.md's Configuration table (add a row)").isEmpty();
    }

    @Test
    void testTable_namesEveryKeyApplicationPropertiesSets() throws IOException {
        Set<String> documented = documentedKeys();
        Set<String> mapping = mappingKeys();

        List<String> unknown = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String key : applicationPropertiesKeys()) {
            if (mapping.stream().noneMatch(pattern -> matches(key, pattern))) {
                unknown.add(key);
            } else if (documented.stream().noneMatch(doc -> matches(doc, key) || matches(key, doc))) {
                missing.add(key);
            }
        }

        assertThat(unknown).as("application.properties keys that are not in UnifarmConfig").isEmpty();
        assertThat(missing).as("application.properties keys missing from README.md's Configuration table").isEmpty();
    }

    @Test
    void testTable_namesNoKeyTheFarmLacks() throws IOException {
        Set<String> mapping = mappingKeys();

        List<String> stale = documentedKeys().stream().filter(doc -> mapping.stream().noneMatch(key -> matches(doc, key)))
                .toList();

        assertThat(stale).as("README.md Configuration rows naming keys UnifarmConfig does not have").isEmpty();
    }

    /** Every leaf key of the mapping; {@code *} stands for a map key ({@code unifarm.kernels.*.arch}). */
    static Set<String> mappingKeys() {
        Set<String> keys = new TreeSet<>();
        walk(UnifarmConfig.class, "unifarm", keys);
        return keys;
    }

    private static void walk(Class<?> group, String prefix, Set<String> keys) {
        for (Method method : group.getMethods()) {
            if (Modifier.isStatic(method.getModifiers()) || method.isDefault() || method.getParameterCount() > 0) {
                continue;
            }
            String key = prefix + "." + kebab(method.getName());
            if (isGroup(method.getReturnType())) {
                walk(method.getReturnType(), key, keys);
            } else if (method.getReturnType() == Map.class) {
                Type value = ((ParameterizedType) method.getGenericReturnType()).getActualTypeArguments()[1];
                if (value instanceof Class<?> valueClass && isGroup(valueClass)) {
                    walk(valueClass, key + ".*", keys);
                } else {
                    keys.add(key + ".*");
                }
            } else {
                keys.add(key);
            }
        }
    }

    private static boolean isGroup(Class<?> type) {
        return type.isInterface() && type.getName().startsWith("dev.unifarm.");
    }

    private static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The keys in the first column of the Configuration table, as written there: full keys, {@code /
     * .suffix} or {@code , other-leaf} siblings of the key before them in the cell, {@code {a,b}} lists;
     * {@code <name>} and {@code "<label>"} become {@code *}.
     */
    static Set<String> documentedKeys() throws IOException {
        List<String> lines = Files.readAllLines(REPO.resolve("README.md"));
        int start = lines.indexOf("## Configuration");
        assertThat(start).as("README.md has a \"## Configuration\" section").isNotNegative();
        Set<String> keys = new TreeSet<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            if (line.startsWith("| ") && !line.startsWith("| key") && !line.startsWith("|---")) {
                keys.addAll(keysOfCell(line.substring(2, line.indexOf(" | "))));
            }
        }
        assertThat(keys).as("keys in README.md's Configuration table").isNotEmpty();
        return keys;
    }

    private static List<String> keysOfCell(String cell) {
        List<String> keys = new ArrayList<>();
        String parent = null;
        Matcher code = CODE.matcher(cell);
        while (code.find()) {
            String span = PLACEHOLDER.matcher(code.group(1)).replaceAll("*");
            String key;
            if (span.startsWith("unifarm.")) {
                key = span;
            } else if (parent != null && span.startsWith(".")) {
                key = parent + span;
            } else if (parent != null && span.matches("[a-z][a-z0-9-]*")) {
                key = parent + "." + span;
            } else {
                continue; // an env var name, a Quarkus key
            }
            parent = key.substring(0, key.lastIndexOf('.'));
            keys.addAll(expand(key));
        }
        return keys;
    }

    /** {@code a.{b,c}} → {@code a.b}, {@code a.c}. */
    private static List<String> expand(String key) {
        int open = key.indexOf('{');
        if (open < 0) {
            return List.of(key);
        }
        int close = key.indexOf('}', open);
        String head = key.substring(0, open);
        String tail = key.substring(close + 1);
        return java.util.Arrays.stream(key.substring(open + 1, close).split(","))
                .flatMap(part -> expand(head + part.trim() + tail).stream()).toList();
    }

    /** The {@code unifarm.*} keys application.properties sets, in every profile ({@code %test.} dropped). */
    static Set<String> applicationPropertiesKeys() throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(REPO.resolve("api/src/main/resources/application.properties"))) {
            properties.load(in);
        }
        return properties.stringPropertyNames().stream().map(key -> key.replaceFirst("^%[^.]+\\.", ""))
                .filter(key -> key.startsWith("unifarm.")).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Whether {@code key} is an instance of {@code pattern}, where a {@code *} segment is any one map key. */
    private static boolean matches(String key, String pattern) {
        String regex = java.util.Arrays.stream(pattern.split("\\.", -1))
                .map(segment -> segment.equals("*") ? "(\\*|\"[^\"]+\"|[^.]+)" : Pattern.quote(segment))
                .collect(Collectors.joining("\\."));
        return key.matches(regex);
    }
}

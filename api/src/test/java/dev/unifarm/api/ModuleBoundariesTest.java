package dev.unifarm.api;

import dev.unifarm.api.farm.FarmParts;
import dev.unifarm.imager.Imager;
import dev.unifarm.scheduler.Scheduler;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The module structure docs/architecture.md states, read from the compiled classes by the JDK's {@code jdeps}:
 * no package cycle in any module, and api reaching imager and scheduler only through their public entry packages.
 */
class ModuleBoundariesTest {

    private static final Pattern EDGE = Pattern.compile("^\\s+(dev\\.unifarm\\.\\S+)\\s+->\\s+(dev\\.unifarm\\.\\S+)");

    /** Packages api may use in full. */
    private static final Set<String> PUBLIC_PACKAGES = Set.of(
            "dev.unifarm.imager", "dev.unifarm.imager.model",
            "dev.unifarm.scheduler", "dev.unifarm.scheduler.coverage", "dev.unifarm.scheduler.diagnosis");

    /** The implementations' entry classes and their settings, which only the wiring ({@code api.farm}) names. */
    private static final Set<String> ENTRY_CLASSES = Set.of(
            "dev.unifarm.scheduler.local.LocalScheduler", "dev.unifarm.scheduler.local.LocalOptions",
            "dev.unifarm.scheduler.kubernetes.KubernetesScheduler", "dev.unifarm.scheduler.kubernetes.LauncherPodConfig",
            "dev.unifarm.scheduler.kubernetes.LauncherSecurity");

    @Test
    void testEachModule_hasNoPackageCycle() {
        for (Class<?> module : List.of(Imager.class, Scheduler.class, FarmParts.class)) {
            Map<String, Set<String>> packages = new HashMap<>();
            classEdges(module).forEach((from, tos) -> tos.forEach(to -> {
                if (!packageOf(from).equals(packageOf(to))) {
                    packages.computeIfAbsent(packageOf(from), k -> new TreeSet<>()).add(packageOf(to));
                }
            }));
            assertThat(cycles(packages)).as("package cycles among the classes of %s", location(module)).isEmpty();
        }
    }

    @Test
    void testApi_usesImagerAndSchedulerOnlyThroughTheirEntryPackages() {
        List<String> outside = new ArrayList<>();
        classEdges(FarmParts.class).forEach((from, tos) -> tos.stream()
                .filter(to -> to.startsWith("dev.unifarm.imager") || to.startsWith("dev.unifarm.scheduler"))
                .filter(to -> !PUBLIC_PACKAGES.contains(packageOf(to)))
                .filter(to -> !(ENTRY_CLASSES.contains(outerClass(to)) && packageOf(from).equals("dev.unifarm.api.farm")))
                .forEach(to -> outside.add(from + " -> " + to)));
        assertThat(outside).as("api classes using imager/scheduler internals").isEmpty();
    }

    /** Class → the dev.unifarm classes it uses, per jdeps over the directory or jar holding {@code anchor}. */
    private static Map<String, Set<String>> classEdges(Class<?> anchor) {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int code = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:class", "-filter:none",
                location(anchor).toString());
        assertThat(code).as(out.toString()).isZero();
        Map<String, Set<String>> edges = new HashMap<>();
        for (String line : out.toString().split("\n")) {
            Matcher m = EDGE.matcher(line);
            if (m.find()) {
                edges.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
            }
        }
        assertThat(edges).as("jdeps found the classes of %s", location(anchor)).isNotEmpty();
        return edges;
    }

    /** Each set of packages that reach one another (Tarjan's strongly connected components larger than one). */
    private static List<Set<String>> cycles(Map<String, Set<String>> graph) {
        return new Components(graph).find();
    }

    private static Path location(Class<?> anchor) {
        try {
            return Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String packageOf(String className) {
        return className.substring(0, className.lastIndexOf('.'));
    }

    private static String outerClass(String className) {
        int dollar = className.indexOf('$');
        return dollar < 0 ? className : className.substring(0, dollar);
    }

    /** Tarjan's algorithm over a package graph. */
    private static final class Components {
        private final Map<String, Set<String>> graph;
        private final Map<String, Integer> index = new HashMap<>();
        private final Map<String, Integer> low = new HashMap<>();
        private final List<String> stack = new ArrayList<>();
        private final Set<String> onStack = new TreeSet<>();
        private final List<Set<String>> found = new ArrayList<>();

        Components(Map<String, Set<String>> graph) {
            this.graph = graph;
        }

        List<Set<String>> find() {
            new TreeSet<>(graph.keySet()).forEach(node -> {
                if (!index.containsKey(node)) {
                    visit(node);
                }
            });
            return found;
        }

        private void visit(String node) {
            index.put(node, index.size());
            low.put(node, index.get(node));
            stack.add(node);
            onStack.add(node);
            for (String next : graph.getOrDefault(node, Set.of())) {
                if (!index.containsKey(next)) {
                    visit(next);
                    low.put(node, Math.min(low.get(node), low.get(next)));
                } else if (onStack.contains(next)) {
                    low.put(node, Math.min(low.get(node), index.get(next)));
                }
            }
            if (low.get(node).equals(index.get(node))) {
                Set<String> component = new TreeSet<>();
                String member;
                do {
                    member = stack.remove(stack.size() - 1);
                    onStack.remove(member);
                    component.add(member);
                } while (!member.equals(node));
                if (component.size() > 1) {
                    found.add(component);
                }
            }
        }
    }
}

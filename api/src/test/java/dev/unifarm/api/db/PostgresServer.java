package dev.unifarm.api.db;

import dev.unifarm.api.testing.TestFiles;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;



/**
 * A real PostgreSQL server (Debian's {@code postgresql}, installed by {@code scripts/provision}) for
 * the tests: a fresh cluster in {@code api/target/postgres/}, listening on 127.0.0.1 only on a free
 * port, password-authenticated, with a database {@code unifarm}; stopped when the tests using it end.
 * PostgreSQL refuses to run as root, so under root (CI) it runs as the {@code postgres} user.
 */
public class PostgresServer implements QuarkusTestResourceLifecycleManager {

    static final Path ROOT = Path.of("target", "postgres").toAbsolutePath();
    private static final Path DATA = ROOT.resolve("data");
    private static final String USER = "unifarm";
    private static final boolean ROOT_USER = "root".equals(System.getProperty("user.name"));

    /** The server's port, kept for {@link #resume()} (a test may see this class in another class loader than start()'s). */
    private static final Path PORT_FILE = ROOT.resolve("port");

    private Path bin;

    @Override
    public Map<String, String> start() {
        try {
            bin = binDir();
            stopLeftover();
            TestFiles.deleteTree(ROOT);
            Files.createDirectories(ROOT);
            String password = HexFormat.of().formatHex(randomBytes());
            Path pwfile = ROOT.resolve("pwfile");
            Files.writeString(pwfile, password + "\n");
            if (ROOT_USER) {
                UserPrincipal postgres = ROOT.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
                Files.setOwner(ROOT, postgres);
                Files.setOwner(pwfile, postgres);
            }
            run(bin.resolve("initdb").toString(), "-D", DATA.toString(), "-U", USER, "--pwfile=" + pwfile, "--auth=scram-sha-256",
                    "-E", "UTF8", "--no-sync");
            Files.delete(pwfile);
            Files.writeString(PORT_FILE, Integer.toString(TestFiles.freePort()));
            startServer(bin);
            String port = Files.readString(PORT_FILE).trim();
            try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", USER,
                    password); Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE unifarm");
            }
            return Map.of(
                    "quarkus.datasource.\"postgresql\".jdbc.url", "jdbc:postgresql://127.0.0.1:" + port + "/unifarm",
                    "quarkus.datasource.\"postgresql\".username", USER,
                    "quarkus.datasource.\"postgresql\".password", password);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL started but the database could not be created", e);
        }
    }

    /** Loopback only; the unix socket goes to our own dir, not /var/run/postgresql. */
    private static void startServer(Path bin) throws IOException {
        String port = Files.readString(PORT_FILE).trim();
        run(bin.resolve("pg_ctl").toString(), "-D", DATA.toString(), "-l", ROOT.resolve("server.log").toString(), "-w",
                "-t", "60", "-o", "-c listen_addresses=127.0.0.1 -p " + port + " -k " + ROOT + " -c fsync=off", "start");
    }

    /** Stops the server as an outage would, the farm still running (fast: open connections are cut). */
    static void pause() throws IOException {
        run(binDir().resolve("pg_ctl").toString(), "-D", DATA.toString(), "-m", "fast", "-w", "-t", "60", "stop");
    }

    /** The port the server listens on. */
    static String port() throws IOException {
        return Files.readString(PORT_FILE).trim();
    }

    /** Starts the paused server again on the same port with the same data. */
    static void resume() throws IOException {
        startServer(binDir());
    }

    @Override
    public void stop() {
        if (Files.isRegularFile(DATA.resolve("postmaster.pid"))) {
            run(bin.resolve("pg_ctl").toString(), "-D", DATA.toString(), "-m", "fast", "-w", "-t", "60", "stop");
        }
    }

    /** A server an earlier, killed test run left behind would hold the dir. */
    private void stopLeftover() {
        if (Files.isRegularFile(DATA.resolve("postmaster.pid"))) {
            try {
                run(bin.resolve("pg_ctl").toString(), "-D", DATA.toString(), "-m", "immediate", "-w", "stop");
            } catch (IllegalStateException ignored) {
                // not running any more: the dir is removed next anyway
            }
        }
    }

    /** The newest installed server's bin dir ({@code /usr/lib/postgresql/<major>/bin}). */
    private static Path binDir() throws IOException {
        Path base = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(base)) {
            throw new IllegalStateException(base + " is missing: run scripts/provision (it installs Debian's postgresql)");
        }
        try (Stream<Path> majors = Files.list(base)) {
            return majors.filter(p -> Files.isExecutable(p.resolve("bin/initdb")))
                    .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().replaceAll("\\D", "0"))))
                    .map(p -> p.resolve("bin"))
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL server under " + base + ": run scripts/provision"));
        }
    }

    private static void run(String... command) {
        List<String> full = new ArrayList<>();
        if (ROOT_USER) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(command));
        try {
            Path log = Files.createTempFile("pg-cmd", ".log");
            Process process = new ProcessBuilder(full).directory(ROOT.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", full) + " did not finish in 120 s");
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Files.delete(log);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", full) + " exited " + process.exitValue() + ":\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}

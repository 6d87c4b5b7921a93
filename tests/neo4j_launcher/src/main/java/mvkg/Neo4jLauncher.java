package mvkg;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * Runs an embedded Neo4j Community server with Bolt on 127.0.0.1 for the Python tests.
 *
 * <pre>
 * usage: java -jar neo4j-test-launcher.jar HOME_DIR [PORT] [--ignore-stdin]
 *   HOME_DIR        Neo4j home; data/ and logs/ are created inside it (the Python side passes a temp dir)
 *   PORT            Bolt port; 0 or absent picks a free one
 *   --ignore-stdin  do not exit when stdin reaches EOF (for running it by hand in the background)
 * env:
 *   MVKG_NEO4J_USER      user to authenticate as (default neo4j)
 *   MVKG_NEO4J_PASSWORD  its password (at least 8 characters); unset or empty = authentication disabled
 * </pre>
 *
 * The password comes from the environment rather than argv so it does not show up in `ps`.
 * Once Bolt accepts connections and the user is set up, exactly one line is printed to stdout:
 * {@code MVKG_NEO4J_READY bolt://127.0.0.1:PORT}. Neo4j's own log goes to stderr and HOME_DIR/logs.
 */
public final class Neo4jLauncher {
    static final String READY_MARKER = "MVKG_NEO4J_READY";
    static final String HOST = "127.0.0.1";
    static final String DEFAULT_USER = "neo4j";

    private Neo4jLauncher() {}

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        String user = envOr("MVKG_NEO4J_USER", DEFAULT_USER);
        String password = envOr("MVKG_NEO4J_PASSWORD", "");
        boolean authEnabled = !password.isEmpty();
        int port = options.port > 0 ? options.port : findFreePort();

        // Registered before starting so that a SIGTERM arriving mid-start still shuts down cleanly.
        AtomicReference<DatabaseManagementService> service = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(service.get()), "mvkg-neo4j-shutdown"));

        long started = System.nanoTime();
        try {
            service.set(buildService(options.home, port, authEnabled));
            log("DBMS started", started);
            if (authEnabled) {
                setUpUser(service.get(), user, password);
                log("user " + user + " set up", started);
            }
            waitForBolt(port, Duration.ofSeconds(60));
        } catch (Throwable e) {
            e.printStackTrace();
            // Last, so it survives when the caller shows only the tail of stderr.
            System.err.println("mvkg neo4j launcher: start-up failed: " + rootCause(e));
            System.exit(1);
        }

        PrintStream out = System.out;
        out.println(READY_MARKER + " bolt://" + HOST + ":" + port);
        out.flush();

        if (options.ignoreStdin) {
            Thread.currentThread().join(); // Neo4j's threads are non-daemon; wait for SIGTERM.
        } else {
            // The Python process that started us holds our stdin; when it goes away (even by crashing)
            // the pipe reaches EOF, so we never outlive it.
            drainUntilEof(System.in);
            System.exit(0);
        }
    }

    /** Command-line arguments: HOME_DIR [PORT] [--ignore-stdin]. */
    private record Options(Path home, int port, boolean ignoreStdin) {
        static Options parse(String[] args) {
            Path home = null;
            int port = 0;
            boolean ignoreStdin = false;
            int positional = 0;
            for (String arg : args) {
                if (arg.equals("--ignore-stdin")) {
                    ignoreStdin = true;
                } else if (positional == 0) {
                    home = Path.of(arg).toAbsolutePath();
                    positional++;
                } else if (positional == 1) {
                    port = Integer.parseInt(arg);
                    positional++;
                } else {
                    usage("unexpected argument: " + arg);
                }
            }
            if (home == null) {
                usage("HOME_DIR is required");
            }
            if (port < 0 || port > 65535) {
                usage("PORT out of range: " + port);
            }
            return new Options(home, port, ignoreStdin);
        }

        private static void usage(String problem) {
            System.err.println(problem);
            System.err.println("usage: java -jar neo4j-test-launcher.jar HOME_DIR [PORT] [--ignore-stdin]");
            System.exit(2);
        }
    }

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause == e ? e.toString() : e + " (caused by " + cause + ")";
    }

    /** Start-up timings on stderr: they help tell a slow machine from a hang. */
    private static void log(String what, long startedNanos) {
        long jvmMillis = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
        System.err.printf("mvkg neo4j launcher: %s after %d ms (JVM up %d ms)%n",
                what, (System.nanoTime() - startedNanos) / 1_000_000, jvmMillis);
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }

    /** Asks the OS for a free port. Another process could grab it before Neo4j binds; unlikely in tests. */
    static int findFreePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(HOST, 0));
            return socket.getLocalPort();
        }
    }

    private static DatabaseManagementService buildService(Path home, int port, boolean authEnabled)
            throws IOException {
        Files.createDirectories(home);
        return new DatabaseManagementServiceBuilder(home)
                .setConfig(settings(port, authEnabled))
                // Embedded mode has no user log by default; send it to stderr so start-up problems are
                // visible in whatever the Python side captures.
                .setUserLogProvider(new Log4jLogProvider(System.err, Level.WARN))
                .build();
    }

    /** Settings for a small, local-only test server. */
    private static Map<org.neo4j.graphdb.config.Setting<?>, Object> settings(int port, boolean authEnabled) {
        SocketAddress address = new SocketAddress(HOST, port);
        return Map.ofEntries(
                Map.entry(BoltConnector.enabled, true),
                Map.entry(BoltConnector.listen_address, address),
                Map.entry(BoltConnector.advertised_address, address),
                Map.entry(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED),
                // Bolt waits 5 s (per connector) for connections and workers on shutdown by default,
                // which made every stop take 10 s; tests close their drivers before stopping anyway.
                Map.entry(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1)),
                Map.entry(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1)),
                // Set explicitly: embedded defaults are not the packaged server's.
                Map.entry(GraphDatabaseSettings.auth_enabled, authEnabled),
                // Small footprint: the test graphs are tiny and CI machines have 2 cores.
                Map.entry(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(128)),
                Map.entry(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(16)),
                Map.entry(GraphDatabaseSettings.keep_logical_logs, "false"),
                Map.entry(GraphDatabaseSettings.preallocate_logical_logs, false),
                Map.entry(GraphDatabaseSettings.pagecache_warmup_enabled, false),
                // No phoning home (the machines have no internet anyway).
                Map.entry(GraphDatabaseSettings.udc_enabled, false));
    }

    /**
     * Gives the user the requested password. A fresh embedded DBMS has user neo4j with password "neo4j"
     * and "change required"; embedded transactions run with full rights, so the system database's
     * ALTER USER / CREATE USER commands set the real password before we announce readiness.
     */
    private static void setUpUser(DatabaseManagementService service, String user, String password) {
        var system = service.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        Map<String, Object> params = Map.of("user", user, "password", password);
        if (user.equals(DEFAULT_USER)) {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PLAINTEXT PASSWORD $password CHANGE NOT REQUIRED", params);
        } else {
            // Community edition has no roles: every user may do everything, as neo4j can.
            system.executeTransactionally(
                    "CREATE USER $user IF NOT EXISTS SET PLAINTEXT PASSWORD $password CHANGE NOT REQUIRED", params);
        }
    }

    /** Bolt starts with the DBMS, but check that the port really accepts connections before saying so. */
    private static void waitForBolt(int port, Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(HOST, port), 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("Bolt did not accept connections on " + HOST + ":" + port, e);
                }
                Thread.sleep(100);
            }
        }
    }

    private static void drainUntilEof(InputStream in) {
        byte[] buffer = new byte[1024];
        try {
            while (in.read(buffer) >= 0) {
                // Anything written to stdin is ignored; only EOF matters.
            }
        } catch (IOException e) {
            // A broken stdin means our parent is gone too: shut down.
        }
    }

    private static void shutdown(DatabaseManagementService service) {
        if (service != null) {
            try {
                service.shutdown();
            } catch (Throwable e) {
                System.err.println("mvkg neo4j launcher: shutdown failed: " + e);
            }
        }
    }
}

package org.canvass;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real project for the tests: a canvass-server on 127.0.0.1 (OS-chosen port) with a
 * project whose recipient is a coordinator key made by the `canvass` command line, a form
 * published, tokens minted on demand, and that coordinator's command line to sync and export.
 * The programs' paths come from the system properties canvass.server, canvass.cli and
 * canvass.source, set by ctest.
 */
final class Project implements AutoCloseable {
    static final String NAME = "java";
    static final String PASSPHRASE = "java coordinator passphrase";

    final Path dir;
    final Path data;
    final Path key;
    final Path coordinatorHome;
    String fingerprint;
    String address;
    private Process server;

    static String property(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isEmpty()) fail("system property " + name + " is not set (ctest sets it)");
        return v;
    }

    static Path source(String relative) {
        return Path.of(property("canvass.source"), relative);
    }

    static String read(Path p) throws IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    }

    /** A project in a new temporary directory publishing `form` (a path under the source). */
    Project(String form) throws Exception {
        dir = Files.createTempDirectory("canvass-java-");
        data = dir.resolve("server");
        key = dir.resolve("coordinator.key");
        coordinatorHome = dir.resolve("coordinator");
        Path statement = dir.resolve("recipients.txt");
        cli("init");
        cli("keys", "create", "--out", key.toString());
        cli("keys", "recipients", "--key", key.toString(), "--project", NAME, "--out", statement.toString());
        serverCommand("init");
        String created = serverCommand("project", "create", NAME, "--recipients", statement.toString());
        Matcher m = Pattern.compile("fingerprint (\\S+)").matcher(created);
        assertTrue("project create printed no fingerprint: " + created, m.find());
        fingerprint = m.group(1);
        serverCommand("form", "publish", "--project", NAME, source(form).toString());
        start();
    }

    private void start() throws Exception {
        File out = dir.resolve("server.out").toFile();
        ProcessBuilder pb = new ProcessBuilder(property("canvass.server"), "--data", data.toString(), "run",
                "--listen", "127.0.0.1:0");
        pb.redirectOutput(out);
        pb.redirectError(dir.resolve("server.log").toFile());
        server = pb.start();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Pattern listening = Pattern.compile("listening on (\\S+)\\n");
        while (System.nanoTime() < until) {
            Matcher m = listening.matcher(read(out.toPath()));
            if (m.find()) {
                address = m.group(1);
                return;
            }
            if (!server.isAlive()) fail("canvass-server exited: " + read(dir.resolve("server.log")));
            Thread.sleep(20);
        }
        fail("canvass-server did not start");
    }

    /** A single-use token for `role`. */
    String token(String role) throws Exception {
        String out = serverCommand("token", "create", "--project", NAME, "--role", role, "--address", address, "--json");
        Matcher m = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"").matcher(out);
        assertTrue("no token in " + out, m.find());
        return m.group(1);
    }

    String serverCommand(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(property("canvass.server"), "--data", data.toString()));
        argv.addAll(Arrays.asList(args));
        return run(argv, null);
    }

    /** The coordinator's `canvass` command line, with its home and passphrase. */
    String cli(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(property("canvass.cli")));
        argv.addAll(Arrays.asList(args));
        return run(argv, coordinatorHome);
    }

    private String run(List<String> argv, Path home) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.redirectErrorStream(true);
        pb.environment().put("CANVASS_PASSPHRASE", PASSPHRASE);
        pb.environment().put("NO_COLOR", "1");
        if (home != null) pb.environment().put("CANVASS_HOME", home.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(argv + " did not finish", p.waitFor(300, TimeUnit.SECONDS));
        if (p.exitValue() != 0) fail(String.join(" ", argv) + " exited with " + p.exitValue() + ":\n" + out);
        return out;
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.destroy();
            try {
                if (!server.waitFor(60, TimeUnit.SECONDS)) server.destroyForcibly().waitFor();
            } catch (InterruptedException e) {
                server.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        }
    }
}

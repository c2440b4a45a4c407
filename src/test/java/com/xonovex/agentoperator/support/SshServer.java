package com.xonovex.agentoperator.support;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * An sshd test instance on 127.0.0.1 (Debian package openssh-server) that lets the current user in with one client
 * key, so git over ssh reaches bare repositories by their absolute path. {@link #start} returns null when sshd is not
 * installed or does not come up; {@link #why} then says why.
 */
public final class SshServer implements AutoCloseable {
    private static final Path SSHD = Path.of("/usr/sbin/sshd");
    private final Path dir;
    private final Process sshd;
    private final int port;
    /** The client's private key (PEM), for a credentials Secret's {@code ssh-privatekey}. */
    public final String privateKey;
    /** A known_hosts line for the server's host key. */
    public final String hostKeyLine;
    private static String why = "";

    private SshServer(Path dir, Process sshd, int port, String privateKey, String hostKeyLine) {
        this.dir = dir;
        this.sshd = sshd;
        this.port = port;
        this.privateKey = privateKey;
        this.hostKeyLine = hostKeyLine;
    }

    /** Starts one with its keys and config in {@code dir}, or returns null (see {@link #why}). */
    public static SshServer start(Path dir) throws IOException, InterruptedException {
        if (!Files.isExecutable(SSHD)) {
            why = "sshd is not installed (Debian package openssh-server)";
            return null;
        }
        if (Shell.findOnPath("ssh-keygen") == null) {
            why = "ssh-keygen is not installed (openssh-client)";
            return null;
        }
        Files.createDirectories(dir);
        Shell.exec(dir, dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test-host", "-f",
                dir.resolve("host_key").toString());
        Shell.exec(dir, dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test-client", "-f",
                dir.resolve("client_key").toString());
        Files.copy(dir.resolve("client_key.pub"), dir.resolve("authorized_keys"));
        String privateKey = Files.readString(dir.resolve("client_key"));
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root && !Files.isDirectory(Path.of("/run/sshd"))) {
            // sshd started by root needs its privilege separation directory, normally made by the init system.
            Files.createDirectories(Path.of("/run/sshd"));
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n",
                "Port " + port,
                "ListenAddress 127.0.0.1",
                "HostKey " + dir.resolve("host_key"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "PidFile none",
                "StrictModes no",
                "UsePAM no",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PubkeyAuthentication yes",
                "PermitRootLogin prohibit-password",
                "AllowUsers " + System.getProperty("user.name"),
                "LogLevel VERBOSE", ""));
        Path log = dir.resolve("sshd.log");
        Process sshd = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        boolean up = false;
        while (!up && sshd.isAlive() && System.nanoTime() < deadline) {
            try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
                up = true;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        String[] pub = Files.readString(dir.resolve("host_key.pub")).trim().split(" ");
        var server = new SshServer(dir, sshd, port, privateKey,
                "[127.0.0.1]:" + port + " " + pub[0] + " " + pub[1] + "\n");
        if (!up) {
            server.close();
            why = "sshd test instance did not start: " + Shell.readQuietly(log);
            return null;
        }
        return server;
    }

    public static String why() {
        return why;
    }

    public int port() {
        return port;
    }

    /** The directory of its keys and config. */
    public Path dir() {
        return dir;
    }

    /** The ssh URL of a bare repository on this machine. */
    public String url(Path bareRepository) {
        return "ssh://" + System.getProperty("user.name") + "@127.0.0.1:" + port + bareRepository;
    }

    @Override
    public void close() {
        sshd.descendants().forEach(ProcessHandle::destroy);
        sshd.destroy();
        try {
            if (!sshd.waitFor(5, TimeUnit.SECONDS)) {
                sshd.destroyForcibly();
            }
        } catch (InterruptedException e) {
            sshd.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}

package com.xonovex.agentoperator.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * TLS for test servers: a server certificate for an IP address, issued with openssl by a given CA; or, for servers on
 * loopback that processes run by the tests talk to, one self-signed certificate for 127.0.0.1 and localhost per test
 * JVM ({@link #loopbackContext()}), which clients trust through {@link #loopbackCaFile()}: git with
 * {@code GIT_SSL_CAINFO}, curl with {@code CURL_CA_BUNDLE}.
 */
public final class TestTls {
    private static final char[] PASSWORD = "test".toCharArray();
    private static final char[] LOOPBACK_PASSWORD = "changeit".toCharArray(); // keytool wants 6 characters or more
    private static Path loopbackDir;
    private static SSLContext loopbackContext;

    private TestTls() {
    }

    /** An SSLContext serving a fresh certificate for {@code ip} signed by the CA (PEM files), made in {@code dir}. */
    public static SSLContext serverContext(Path caCert, Path caKey, String ip, Path dir) throws Exception {
        Files.createDirectories(dir);
        var san = dir.resolve("san.ext");
        Files.writeString(san, "subjectAltName=IP:" + ip + "\nextendedKeyUsage=serverAuth\n");
        openssl(dir, "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
                "-subj", "/CN=" + ip);
        openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", caCert.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-CAserial", dir.resolve("ca.srl").toString(), "-days", "2", "-out",
                "server.crt", "-extfile", san.toString());
        openssl(dir, "pkcs12", "-export", "-in", "server.crt", "-inkey", "server.key", "-certfile", caCert.toString(),
                "-out", "server.p12", "-passout", "pass:" + new String(PASSWORD));
        var store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
            store.load(in, PASSWORD);
        }
        var keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD);
        var context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    /** The server side of the loopback certificate (made on first use). */
    public static synchronized SSLContext loopbackContext() {
        if (loopbackContext == null) {
            try {
                Path dir = Files.createTempDirectory("test-tls");
                Path keystore = dir.resolve("server.p12");
                String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
                run(dir, keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                        "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "7",
                        "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                        "-keypass", "changeit");
                run(dir, keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore", keystore.toString(),
                        "-storepass", "changeit", "-file", dir.resolve("ca.pem").toString());
                var store = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(keystore)) {
                    store.load(in, LOOPBACK_PASSWORD);
                }
                var keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, LOOPBACK_PASSWORD);
                var context = SSLContext.getInstance("TLS");
                context.init(keys.getKeyManagers(), null, null);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try (var files = Files.walk(dir)) {
                        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                    } catch (IOException ignored) {
                        // a temp dir left behind
                    }
                }));
                loopbackDir = dir;
                loopbackContext = context;
            } catch (Exception e) {
                throw new IllegalStateException("cannot make the loopback test certificate", e);
            }
        }
        return loopbackContext;
    }

    /** The loopback certificate as PEM, for clients to trust. */
    public static synchronized Path loopbackCaFile() {
        loopbackContext();
        return loopbackDir.resolve("ca.pem");
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        var process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed:\n" + output);
        }
    }

    private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
        var command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        var process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + " failed:\n" + output);
        }
    }
}

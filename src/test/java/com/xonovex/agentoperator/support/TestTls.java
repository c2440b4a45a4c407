package com.xonovex.agentoperator.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * One self-signed certificate for 127.0.0.1 and localhost per test JVM, made with the JDK's keytool, for the loopback
 * servers that must speak https (the scripts allow git only the https transport and the forge APIs only https).
 * Clients trust it through {@link #caFile()}: git with {@code GIT_SSL_CAINFO}, curl with {@code CURL_CA_BUNDLE}.
 */
public final class TestTls {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static TestTls instance;
    private final Path dir;
    private final SSLContext context;

    private TestTls() throws Exception {
        dir = Files.createTempDirectory("test-tls");
        Path keystore = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        keytool(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "7",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-keypass", "changeit");
        keytool(keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore", keystore.toString(),
                "-storepass", "changeit", "-file", caFileIn(dir).toString());
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD);
        context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp dir left behind
            }
        }));
    }

    public static synchronized TestTls get() {
        if (instance == null) {
            try {
                instance = new TestTls();
            } catch (Exception e) {
                throw new IllegalStateException("cannot make the test certificate", e);
            }
        }
        return instance;
    }

    /** The server side: the key and certificate. */
    public SSLContext context() {
        return context;
    }

    /** The certificate as PEM, for clients to trust. */
    public Path caFile() {
        return caFileIn(dir);
    }

    private static Path caFileIn(Path dir) {
        return dir.resolve("ca.pem");
    }

    private static void keytool(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new UncheckedIOException(new IOException("keytool failed: " + new String(out)));
        }
    }
}

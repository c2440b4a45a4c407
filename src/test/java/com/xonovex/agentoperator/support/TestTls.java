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

/** TLS for test servers: a server certificate for an IP address, issued with openssl by a given CA. */
public final class TestTls {
    private static final char[] PASSWORD = "test".toCharArray();

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

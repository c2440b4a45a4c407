package com.xonovex.agentoperator.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * Git smart HTTP (or https): {@code /public/...} is open, {@code /private/...} needs HTTP Basic auth with one of the accounts;
 * both run {@code git http-backend} as a CGI on the same project root. It binds to the address it is given: loopback
 * for the clone script run as a process, the node's bridge address for a pod.
 */
public final class GitHttpServer implements AutoCloseable {
    private static final Set<String> PASSED_HEADERS = Set.of("Git-Protocol", "Content-Encoding", "Accept");
    /** The users that authenticated, one entry per request. */
    public final List<String> users = new CopyOnWriteArrayList<>();
    /** How many requests were answered 401. */
    public final AtomicInteger challenges = new AtomicInteger();
    private final HttpServer server;
    private final ExecutorService executor;
    private final String git;
    private final Path projectRoot;
    private final Map<String, String> accounts;
    private final Path log;

    private final String scheme;

    private GitHttpServer(HttpServer server, String scheme, String git, Path projectRoot, Map<String, String> accounts,
            Path log) {
        this.server = server;
        this.scheme = scheme;
        this.git = git;
        this.projectRoot = projectRoot;
        this.accounts = accounts;
        this.log = log;
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.createContext("/public/", ex -> handle(ex, "/public", false));
        server.createContext("/private/", ex -> handle(ex, "/private", true));
    }

    /**
     * Serves the bare repositories under {@code projectRoot} on {@code bind}, running {@code git} (a path to the
     * binary); accounts map user names to passwords; the backend's stderr and handler failures go to {@code log}.
     */
    public static GitHttpServer start(InetAddress bind, String git, Path projectRoot, Map<String, String> accounts,
            Path log) throws IOException {
        var s = new GitHttpServer(HttpServer.create(new InetSocketAddress(bind, 0), 0), "http", git, projectRoot,
                accounts, log);
        s.server.start();
        return s;
    }

    /** The same over https, with the server certificate of {@code tls} (see {@link TestTls}). */
    public static GitHttpServer startHttps(InetAddress bind, SSLContext tls, String git, Path projectRoot,
            Map<String, String> accounts, Path log) throws IOException {
        var https = HttpsServer.create(new InetSocketAddress(bind, 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        var s = new GitHttpServer(https, "https", git, projectRoot, accounts, log);
        s.server.start();
        return s;
    }

    /** The URL of {@code origin.git} in an area ({@code public} or {@code private}). */
    public String url(String area) {
        return url(area, "origin.git");
    }

    public String url(String area, String repository) {
        return scheme + "://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort()
                + "/" + area + "/" + repository;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private String authenticate(HttpExchange ex) {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.startsWith("Basic ")) {
            return null;
        }
        String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String user = decoded.substring(0, colon);
        return decoded.substring(colon + 1).equals(accounts.get(user)) ? user : null;
    }

    private void handle(HttpExchange ex, String prefix, boolean auth) throws IOException {
        try (ex) {
            String user = null;
            if (auth) {
                user = authenticate(ex);
                if (user == null) {
                    challenges.incrementAndGet();
                    ex.getRequestBody().transferTo(OutputStream.nullOutputStream());
                    ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
                    ex.sendResponseHeaders(401, -1);
                    return;
                }
                users.add(user);
            }
            cgi(ex, prefix, user);
        } catch (IOException | RuntimeException e) {
            Files.writeString(log, "handler failed: " + e + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            throw e;
        }
    }

    private void cgi(HttpExchange ex, String prefix, String user) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(git, "http-backend")
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", projectRoot.toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_PROJECT_ROOT", projectRoot.toString());
        env.put("GIT_HTTP_EXPORT_ALL", "1");
        env.put("GATEWAY_INTERFACE", "CGI/1.1");
        env.put("SERVER_PROTOCOL", "HTTP/1.1");
        env.put("REQUEST_METHOD", ex.getRequestMethod());
        env.put("PATH_INFO", ex.getRequestURI().getPath().substring(prefix.length()));
        String query = ex.getRequestURI().getRawQuery();
        env.put("QUERY_STRING", query == null ? "" : query);
        String contentType = ex.getRequestHeaders().getFirst("Content-Type");
        env.put("CONTENT_TYPE", contentType == null ? "" : contentType);
        String contentLength = ex.getRequestHeaders().getFirst("Content-Length");
        if (contentLength != null) {
            env.put("CONTENT_LENGTH", contentLength);
        }
        for (String header : PASSED_HEADERS) {
            String value = ex.getRequestHeaders().getFirst(header);
            if (value != null) {
                env.put("HTTP_" + header.toUpperCase().replace('-', '_'), value);
            }
        }
        env.put("REMOTE_ADDR", ex.getRemoteAddress().getAddress().getHostAddress());
        if (user != null) {
            env.put("REMOTE_USER", user);
            env.put("AUTH_TYPE", "Basic");
        }
        Process p = pb.start();
        Thread feeder = new Thread(() -> {
            try (InputStream body = ex.getRequestBody(); OutputStream stdin = p.getOutputStream()) {
                body.transferTo(stdin);
            } catch (IOException ignored) {
                // the backend stopped reading; its exit status and output tell the client
            }
        }, "cgi-stdin");
        feeder.start();
        try (InputStream stdout = new BufferedInputStream(p.getInputStream())) {
            int status = 200;
            for (String line = readLine(stdout); line != null && !line.isEmpty(); line = readLine(stdout)) {
                int colon = line.indexOf(':');
                String name = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Status")) {
                    status = Integer.parseInt(value.split(" ")[0]);
                } else if (!name.equalsIgnoreCase("Content-Length")) {
                    ex.getResponseHeaders().add(name, value);
                }
            }
            ex.sendResponseHeaders(status, 0);
            try (OutputStream body = ex.getResponseBody()) {
                stdout.transferTo(body);
            }
        } finally {
            try {
                feeder.join(TimeUnit.SECONDS.toMillis(30));
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            line.write(b);
        }
        if (b == -1 && line.size() == 0) {
            return null;
        }
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}

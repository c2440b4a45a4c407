package com.xonovex.agentoperator.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.net.ssl.SSLContext;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * A fake GitHub REST API and GitLab REST API (v4) over https on one address: {@code POST
 * /repos/OWNER/REPO/pulls} answers 201 with a pull request whose top-level {@code html_url} is {@link
 * #GITHUB_PR_URL}, {@code POST /api/v4/projects/ID/merge_requests} answers 201 with a merge request whose top-level
 * {@code web_url} is {@link #GITLAB_MR_URL}. Both answers hold other, nested {@code html_url}/{@code web_url} members
 * first, as the real APIs do, so a client must pick the top-level one. Anything else answers 404. It records every
 * request; {@link #failWith} makes every request answer the given status and body.
 */
public final class FakeForgeApi implements AutoCloseable {
    public static final String GITHUB_PR_URL = "https://github.example/acme/widgets/pull/7";
    public static final String GITLAB_MR_URL = "https://gitlab.example/acme/widgets/-/merge_requests/7";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request as received. */
    public record Request(String method, String path, Map<String, List<String>> headers, byte[] body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> String.join(",", e.getValue())).findFirst().orElse(null);
        }

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + new String(body, StandardCharsets.UTF_8), e);
            }
        }
    }

    public final List<Request> requests = new CopyOnWriteArrayList<>();
    private final HttpsServer server;
    private final ExecutorService executor;
    private volatile int failStatus;
    private volatile String failBody;

    private FakeForgeApi(InetAddress bind, SSLContext tls) throws IOException {
        server = HttpsServer.create(new InetSocketAddress(bind, 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    public static FakeForgeApi start(InetAddress bind, SSLContext tls) throws IOException {
        var api = new FakeForgeApi(bind, tls);
        api.server.start();
        return api;
    }

    /** The GitHub API base URL (as https://api.github.com). */
    public String githubUrl() {
        return "https://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    /** The GitLab API base URL (as https://gitlab.example.com/api/v4). */
    public String gitlabUrl() {
        return githubUrl() + "/api/v4";
    }

    /** Every later request answers this status and body. */
    public void failWith(int status, String body) {
        failBody = body;
        failStatus = status;
    }

    public void reset() {
        failStatus = 0;
        failBody = null;
        requests.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            String path = ex.getRequestURI().getRawPath();
            requests.add(new Request(ex.getRequestMethod(), path, Map.copyOf(ex.getRequestHeaders()), body));
            int status;
            String answer;
            if (failStatus != 0) {
                status = failStatus;
                answer = failBody;
            } else if (ex.getRequestMethod().equals("POST") && path.matches("/repos/[^/]+/[^/]+/pulls")) {
                status = 201;
                answer = """
                        {"url":"https://api.github.example/repos/acme/widgets/pulls/7","id":1,"number":7,
                         "user":{"login":"bot","html_url":"https://github.example/bot"},
                         "head":{"ref":"x","repo":{"html_url":"https://github.example/acme/widgets"}},
                         "html_url":"%s","state":"open"}
                        """.formatted(GITHUB_PR_URL);
            } else if (ex.getRequestMethod().equals("POST") && path.matches("/api/v4/projects/[^/]+/merge_requests")) {
                status = 201;
                answer = """
                        {"id":1,"iid":7,"author":{"username":"bot","web_url":"https://gitlab.example/bot"},
                         "web_url":"%s","state":"opened"}
                        """.formatted(GITLAB_MR_URL);
            } else {
                status = 404;
                answer = "{\"message\":\"Not Found\"}";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(status, bytes.length);
            ex.getResponseBody().write(bytes);
        }
    }
}

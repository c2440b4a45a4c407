package com.xonovex.agentoperator.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.xonovex.agentoperator.api.AgentType;

/**
 * A fake Anthropic Messages API that both agent CLIs accept (see the notes on the CLIs). A request that offers the
 * agent's write tool and whose last user message holds no tool_result gets a tool_use of that tool writing
 * {@code content} to {@code path}; anything else gets {@link #FINAL_TEXT} with end_turn. Streams when asked to.
 *
 * <p>It binds to the address it is given: loopback for a CLI run as a process, the node's bridge address for a CLI in
 * a pod. {@link #failWith(int)} makes every messages request answer that HTTP status (an authentication error, say);
 * {@link #delay(Duration)} holds each messages answer back that long (to outlast a run's timeout); {@link #hold()}
 * holds them until {@link #release()} (to keep an agent running while something else happens);
 * {@link #finalText(String)} changes the final text; {@link #useTool(String, Map)} makes the scripted turn call another
 * of the CLI's tools (claude's Bash with a command, say) instead of writing the file.
 *
 * <p>Each answered message reports its own token counts ({@link Usage#nth}), different for every request, and
 * {@link Request#usage()} keeps them, so a test can check how a CLI adds them up.
 */
public final class FakeMessagesApi implements AutoCloseable {
    public static final String FINAL_TEXT = "Done: the file is written.";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The write tool of an agent CLI: its name and the field that names the file. */
    public record WriteTool(String name, String pathField) {
        public static WriteTool of(AgentType type) {
            return switch (type) {
                case CLAUDE -> new WriteTool("Write", "file_path");
                case OPENCODE -> new WriteTool("write", "filePath");
            };
        }
    }

    /** Token counts of one answered message, as its usage reports them. */
    public record Usage(int input, int output, int cacheRead, int cacheCreation) {
        /** The usage of the n-th answered message (from 1): distinct numbers, so sums show which calls counted. */
        static Usage nth(int n) {
            return new Usage(100 + 10 * n, 20 + n, 1000 + 100 * n, 500 + 50 * n);
        }
    }

    /** A request as received, with the status it was answered and the usage its message reported (else null). */
    public record Request(String method, String uri, Map<String, List<String>> headers, byte[] body, int status,
            Usage usage) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> String.join(",", e.getValue())).findFirst().orElse(null);
        }

        public boolean isMessages() {
            return uri.startsWith("/v1/messages") && !uri.startsWith("/v1/messages/count_tokens");
        }

        /** Whether the request offered tools: the agent's own turns do, side requests (a title) do not. */
        public boolean hasTools() {
            return isMessages() && json().path("tools").size() > 0;
        }

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + uri, e);
            }
        }

        /** The texts of the first user message: its string content, or each of its text blocks. */
        public List<String> firstUserTexts() {
            for (var message : json().path("messages")) {
                if (message.path("role").asText().equals("user")) {
                    var content = message.path("content");
                    if (content.isTextual()) {
                        return List.of(content.asText());
                    }
                    var texts = new ArrayList<String>();
                    content.forEach(block -> texts.add(block.path("text").asText("")));
                    return texts;
                }
            }
            return List.of();
        }
    }

    private final WriteTool tool;
    private final String path;
    private final String content;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private volatile int failStatus;
    private volatile Duration delay = Duration.ZERO;
    private volatile CountDownLatch held;
    private volatile String finalText = FINAL_TEXT;
    private volatile String toolName;
    private volatile Map<String, String> toolInput;
    private final AtomicInteger received = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();
    private int toolResults;

    /** On loopback. */
    public FakeMessagesApi(AgentType agent, String path, String content) throws IOException {
        this(InetAddress.getLoopbackAddress(), agent, path, content);
    }

    public FakeMessagesApi(InetAddress bind, AgentType agent, String path, String content) throws IOException {
        this.tool = WriteTool.of(agent);
        this.path = path;
        this.content = content;
        server = HttpServer.create(new InetSocketAddress(bind, 0), 16);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Every messages request is answered with this status and an Anthropic error body from now on. */
    public FakeMessagesApi failWith(int status) {
        this.failStatus = status;
        return this;
    }

    /** Every messages answer waits this long first. */
    public FakeMessagesApi delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    /**
     * Every messages answer waits for {@link #release()} (at most 10 minutes, the CLIs' own request timeout) from
     * now on.
     */
    public FakeMessagesApi hold() {
        this.held = new CountDownLatch(1);
        return this;
    }

    /** Answers the held messages requests, and the next ones without waiting. */
    public void release() {
        var latch = held;
        if (latch != null) {
            latch.countDown();
        }
    }

    /** The text of the final answer from now on. */
    public FakeMessagesApi finalText(String text) {
        this.finalText = text;
        return this;
    }

    /** The scripted turn calls the CLI's tool {@code name} with {@code input} instead of its write tool. */
    public FakeMessagesApi useTool(String name, Map<String, String> input) {
        this.toolInput = Map.copyOf(input); // before the name, which reply() reads first
        this.toolName = name;
        return this;
    }

    /** The text of every tool_result the CLI sent back, in order (a CLI sends a result again with each later turn). */
    public List<String> toolResultTexts() {
        var texts = new ArrayList<String>();
        for (var request : requests()) {
            if (!request.isMessages()) {
                continue;
            }
            for (var message : request.json().path("messages")) {
                for (var block : message.path("content")) {
                    if (!block.path("type").asText().equals("tool_result")) {
                        continue;
                    }
                    var content = block.path("content");
                    if (content.isTextual()) {
                        texts.add(content.asText());
                    } else {
                        var text = new StringBuilder();
                        content.forEach(part -> text.append(part.path("text").asText("")));
                        texts.add(text.toString());
                    }
                }
            }
        }
        return texts;
    }

    public String baseUrl() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Messages requests received so far, counted on arrival (requests() lists them once answered). */
    public int received() {
        return received.get();
    }

    public synchronized int toolResults() {
        return toolResults;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            var body = exchange.getRequestBody().readAllBytes();
            var uri = exchange.getRequestURI().toString();
            int status;
            byte[] response;
            String contentType = "application/json";
            Usage usage = null;
            if (!exchange.getRequestMethod().equals("POST") || !uri.startsWith("/v1/messages")) {
                status = 404;
                response = error("not_found_error", "fake");
            } else if (uri.startsWith("/v1/messages/count_tokens")) {
                status = 200;
                response = ("{\"input_tokens\":" + Math.max(1, body.length / 4) + "}").getBytes(StandardCharsets.UTF_8);
            } else {
                received.incrementAndGet();
                if (failStatus != 0) {
                    status = failStatus;
                    response = error(failStatus == 401 ? "authentication_error" : "api_error",
                            "fake API answering " + failStatus);
                } else {
                    sleep(delay);
                    awaitRelease();
                    var request = JSON.readTree(body);
                    usage = Usage.nth(answered.incrementAndGet());
                    var reply = reply(request, usage);
                    status = 200;
                    if (request.path("stream").asBoolean(false)) {
                        contentType = "text/event-stream";
                        response = stream(reply).getBytes(StandardCharsets.UTF_8);
                    } else {
                        response = JSON.writeValueAsBytes(reply);
                    }
                }
            }
            requests.add(new Request(exchange.getRequestMethod(), uri, Map.copyOf(exchange.getRequestHeaders()), body,
                    status, usage));
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.getResponseHeaders().set("request-id", "req_fake");
            exchange.sendResponseHeaders(status, response.length);
            exchange.getResponseBody().write(response);
        } catch (RuntimeException | IOException e) {
            e.printStackTrace();
            throw e;
        }
    }

    private static byte[] error(String type, String message) throws IOException {
        var error = JSON.createObjectNode().put("type", "error");
        error.putObject("error").put("type", type).put("message", message);
        return JSON.writeValueAsBytes(error);
    }

    private void awaitRelease() {
        var latch = held;
        if (latch != null) {
            try {
                latch.await(10, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ObjectNode reply(JsonNode request, Usage usage) {
        var customName = toolName;
        var customInput = toolInput;
        var name = customName == null ? tool.name() : customName;
        boolean offersTool = false;
        for (var t : request.path("tools")) {
            offersTool |= t.path("name").asText().equals(name);
        }
        var messages = request.path("messages");
        var last = messages.isEmpty() ? JSON.createObjectNode() : messages.get(messages.size() - 1);
        boolean answersTool = false;
        for (var block : last.path("content")) {
            answersTool |= block.path("type").asText().equals("tool_result");
        }
        if (answersTool) {
            synchronized (this) {
                toolResults++;
            }
        }
        var message = JSON.createObjectNode();
        message.put("id", "msg_" + UUID.randomUUID().toString().replace("-", ""));
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", request.path("model").asText("fake"));
        var blocks = message.putArray("content");
        if (offersTool && !answersTool) {
            var use = blocks.addObject();
            use.put("type", "tool_use");
            use.put("id", "toolu_" + UUID.randomUUID().toString().replace("-", ""));
            use.put("name", name);
            if (customName == null) {
                use.putObject("input").put(tool.pathField(), path).put("content", content);
            } else {
                var input = use.putObject("input");
                customInput.forEach(input::put);
            }
            message.put("stop_reason", "tool_use");
        } else {
            blocks.addObject().put("type", "text").put("text", finalText);
            message.put("stop_reason", "end_turn");
        }
        message.putNull("stop_sequence");
        message.putObject("usage").put("input_tokens", usage.input()).put("output_tokens", usage.output())
                .put("cache_read_input_tokens", usage.cacheRead())
                .put("cache_creation_input_tokens", usage.cacheCreation());
        return message;
    }

    private static String stream(ObjectNode message) throws IOException {
        var events = new StringBuilder();
        var start = message.deepCopy();
        start.putArray("content");
        start.putNull("stop_reason");
        ((ObjectNode) start.path("usage")).put("output_tokens", 1);
        event(events, "message_start", JSON.createObjectNode().put("type", "message_start").set("message", start));
        int index = 0;
        for (var block : (ArrayNode) message.path("content")) {
            var empty = (ObjectNode) block.deepCopy();
            ObjectNode delta = JSON.createObjectNode();
            if (block.path("type").asText().equals("tool_use")) {
                empty.putObject("input");
                delta.put("type", "input_json_delta").put("partial_json", JSON.writeValueAsString(block.path("input")));
            } else {
                empty.put("text", "");
                delta.put("type", "text_delta").put("text", block.path("text").asText());
            }
            event(events, "content_block_start", JSON.createObjectNode().put("type", "content_block_start")
                    .put("index", index).set("content_block", empty));
            event(events, "content_block_delta", JSON.createObjectNode().put("type", "content_block_delta")
                    .put("index", index).set("delta", delta));
            event(events, "content_block_stop", JSON.createObjectNode().put("type", "content_block_stop")
                    .put("index", index));
            index++;
        }
        var end = JSON.createObjectNode().put("type", "message_delta");
        end.putObject("delta").put("stop_reason", message.path("stop_reason").asText()).putNull("stop_sequence");
        end.putObject("usage").put("output_tokens", message.at("/usage/output_tokens").asInt());
        event(events, "message_delta", end);
        event(events, "message_stop", JSON.createObjectNode().put("type", "message_stop"));
        return events.toString();
    }

    private static void event(StringBuilder events, String name, JsonNode data) throws IOException {
        events.append("event: ").append(name).append('\n').append("data: ").append(JSON.writeValueAsString(data))
                .append("\n\n");
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        executor.shutdownNow();
    }
}

package com.xonovex.agentoperator.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A proxy that only records: the first line of every request (an absolute URL, or CONNECT host:port) and closes the
 * connection. Set as HTTP(S)_PROXY, it shows any attempt to reach a host other than the fake API.
 */
public final class RecordingProxy implements AutoCloseable {
    private final ServerSocket socket;
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());

    public RecordingProxy() throws IOException {
        socket = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        var thread = new Thread(this::serve, "recording-proxy");
        thread.setDaemon(true);
        thread.start();
    }

    public String url() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    public List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                client.setSoTimeout(2000);
                var line = new BufferedReader(new InputStreamReader(client.getInputStream(),
                        StandardCharsets.ISO_8859_1)).readLine();
                requests.add(line == null ? "(connection without a request)" : line);
                client.getOutputStream().write(("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n"
                        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    requests.add("(" + e + ")");
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

package io.helixstack.delivery;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.RequestHeadersBuilder;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import io.helixstack.plugin.api.Endpoint;
import io.helixstack.plugin.api.Route;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** Real servers and clients on 127.0.0.1 for the proxy tests. */
final class ProxyTestSupport {
    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(20);

    private ProxyTestSupport() {}

    /** A proxy on a free port of 127.0.0.1, started. */
    static BuiltinProxy startProxy() {
        BuiltinProxy proxy = new BuiltinProxy(DeliveryConfig.defaults().withBindAddress("127.0.0.1").withPort(0));
        proxy.start();
        return proxy;
    }

    /** An app instance: an Armeria server on a free port of 127.0.0.1 that takes bodies of any size. */
    static Server startUpstream(HttpService service) {
        Server server = Server.builder()
                .http(new InetSocketAddress("127.0.0.1", 0))
                .maxRequestLength(0)
                .requestTimeout(Duration.ofSeconds(30))
                .serviceUnder("/", service)
                .build();
        server.start().join();
        return server;
    }

    static Endpoint endpointOf(Server server) {
        return new Endpoint("127.0.0.1", server.activeLocalPort(SessionProtocol.HTTP));
    }

    /** A port nothing listens on (bound, then released). */
    static Endpoint deadEndpoint() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new Endpoint("127.0.0.1", socket.getLocalPort());
        }
    }

    static Route.Upstreams upstreams(String app, Endpoint... endpoints) {
        return new Route.Upstreams(UUID.randomUUID(), app, List.of(endpoints));
    }

    static WebClient client(ClientFactory factory, BuiltinProxy proxy) {
        return WebClient.builder("http://127.0.0.1:" + proxy.port())
                .factory(factory)
                .responseTimeout(CLIENT_TIMEOUT)
                .maxResponseLength(0)
                .build();
    }

    /** GET {@code path} with the {@code Host} header {@code host}, plus name/value pairs of extra headers. */
    static AggregatedHttpResponse get(WebClient client, String host, String path, String... headers) {
        RequestHeadersBuilder builder = RequestHeaders.builder(HttpMethod.GET, path).set(HttpHeaderNames.AUTHORITY, host);
        for (int i = 0; i < headers.length; i += 2) {
            builder.add(headers[i], headers[i + 1]);
        }
        return client.execute(builder.build()).aggregate().join();
    }

    /** Sends raw bytes (a request Armeria's client would refuse to write) and reads until the server closes. */
    static String raw(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) CLIENT_TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            in.transferTo(response);
            return response.toString(StandardCharsets.ISO_8859_1);
        }
    }
}

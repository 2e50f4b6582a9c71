package io.helixstack.server;

import java.net.URI;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which planes this process runs and how it reaches the others. The default runs every plane in one process over the
 * PostgreSQL bus. Planes as processes ({@code helix server --planes control,delivery}, {@code --planes build},
 * {@code --planes runtime}) share one external database ({@code HELIX_DATABASE_URL}) and one {@code HELIX_HOME} (the
 * platform key, uploads and artifacts), exchange events over the bus (NATS JetStream with {@code HELIX_NATS_URL}, else
 * the database's outbox), and the control plane drives a runtime process through its agent ({@code HELIX_RUNTIME_URL}).
 *
 * @param planes      what this process runs ({@code --planes} or {@code HELIX_PLANES}; default all)
 * @param natsUrl     NATS JetStream as the bus ({@code HELIX_NATS_URL}, e.g. {@code nats://127.0.0.1:4222}); null: the
 *                    PostgreSQL bus
 * @param natsStream  the JetStream stream (and, lower-cased, subject prefix) of this installation ({@code HELIX_NATS_STREAM},
 *                    default HELIX): installations sharing one NATS server keep apart by it
 * @param runtimeUrl  the runtime process's agent, for a control plane without the runtime plane ({@code HELIX_RUNTIME_URL})
 * @param runtimePort where a runtime process's agent listens ({@code HELIX_RUNTIME_PORT}, default 7420; 0 picks a free one)
 */
public record Topology(Set<Plane> planes, String natsUrl, String natsStream, URI runtimeUrl, int runtimePort) {
    public static final int DEFAULT_RUNTIME_PORT = 7420;
    public static final String DEFAULT_NATS_STREAM = "HELIX";

    /** A plane, by the name {@code --planes} uses. */
    public enum Plane {
        CONTROL, DELIVERY, BUILD, RUNTIME;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Topology {
        planes = Set.copyOf(planes);
        Objects.requireNonNull(natsStream, "natsStream");
    }

    /** Every plane in this process, the PostgreSQL bus. */
    public static Topology allInOne() {
        return new Topology(EnumSet.allOf(Plane.class), null, DEFAULT_NATS_STREAM, null, DEFAULT_RUNTIME_PORT);
    }

    /**
     * @param planesArg the value of {@code --planes}, or null for {@code HELIX_PLANES} or every plane
     * @throws HelixConfig.ConfigException naming the setting, the bad value and what was expected
     */
    public static Topology from(Map<String, String> env, String planesArg, HelixConfig config) {
        String spec = planesArg != null ? planesArg : env.get("HELIX_PLANES");
        String source = planesArg != null ? "--planes" : "HELIX_PLANES";
        Set<Plane> planes = spec == null || spec.isBlank() ? EnumSet.allOf(Plane.class) : planes(source, spec);
        String nats = blankToNull(env.get("HELIX_NATS_URL"));
        if (nats != null && !nats.strip().matches("(nats|tls)://[^\\s/]+(,(nats|tls)://[^\\s/]+)*")) {
            throw new HelixConfig.ConfigException("HELIX_NATS_URL: \"" + nats + "\" (expected: nats://host:4222)");
        }
        String stream = env.getOrDefault("HELIX_NATS_STREAM", DEFAULT_NATS_STREAM).strip();
        if (!stream.matches("[A-Za-z0-9_-]{1,32}")) {
            throw new HelixConfig.ConfigException("HELIX_NATS_STREAM: \"" + stream
                    + "\" (expected: 1-32 letters, digits, '-' or '_', e.g. HELIX)");
        }
        URI runtimeUrl = runtimeUrl(env.get("HELIX_RUNTIME_URL"));
        int runtimePort = runtimePort(env.get("HELIX_RUNTIME_PORT"));
        Topology topology = new Topology(planes, nats == null ? null : nats.strip(), stream, runtimeUrl, runtimePort);
        topology.check(config);
        return topology;
    }

    private void check(HelixConfig config) {
        if (has(Plane.CONTROL) != has(Plane.DELIVERY)) {
            throw new HelixConfig.ConfigException("planes: " + describe() + " (expected: control and delivery together — the"
                    + " proxy takes its routes from the control plane in the same process — e.g. --planes control,delivery)");
        }
        if (!everyPlane() && config.databaseUrl() == null) {
            throw new HelixConfig.ConfigException("planes: " + describe() + " runs part of HelixStack: the processes share one"
                    + " database (expected: HELIX_DATABASE_URL=postgresql://… for every process)");
        }
        if (has(Plane.CONTROL) && !has(Plane.RUNTIME) && runtimeUrl == null) {
            throw new HelixConfig.ConfigException("planes: " + describe() + " without the runtime plane needs its agent"
                    + " (expected: HELIX_RUNTIME_URL=http://host:" + DEFAULT_RUNTIME_PORT + ", where --planes runtime listens)");
        }
    }

    public boolean has(Plane plane) {
        return planes.contains(plane);
    }

    public boolean everyPlane() {
        return planes.containsAll(EnumSet.allOf(Plane.class));
    }

    /** The planes as {@code --planes} names them, in a stable order. */
    public String describe() {
        return EnumSet.copyOf(planes).stream().map(Plane::wireName).collect(Collectors.joining(","));
    }

    private static Set<Plane> planes(String source, String spec) {
        Set<Plane> planes = EnumSet.noneOf(Plane.class);
        for (String part : spec.split(",")) {
            String name = part.strip().toLowerCase(Locale.ROOT);
            if (name.equals("all")) {
                planes.addAll(EnumSet.allOf(Plane.class));
                continue;
            }
            try {
                planes.add(Plane.valueOf(name.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new HelixConfig.ConfigException(source + ": \"" + part.strip() + "\" in \"" + spec
                        + "\" (expected: a comma-separated list of control, delivery, build, runtime, or all)");
            }
        }
        return planes;
    }

    private static URI runtimeUrl(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            URI uri = new URI(value.strip().replaceAll("/+$", ""));
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && (uri.getPath() == null || uri.getPath().isEmpty())) {
                return uri;
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        throw new HelixConfig.ConfigException("HELIX_RUNTIME_URL: \"" + value + "\" (expected: the runtime agent's base URL,"
                + " e.g. http://127.0.0.1:" + DEFAULT_RUNTIME_PORT + ")");
    }

    private static int runtimePort(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_RUNTIME_PORT;
        }
        try {
            int port = Integer.parseInt(value.strip());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new HelixConfig.ConfigException("HELIX_RUNTIME_PORT: \"" + value + "\" (expected: a port number 0-65535)");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}

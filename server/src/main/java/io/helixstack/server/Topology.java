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
 * PostgreSQL bus. Planes as processes ({@code helix server --planes control}, {@code --planes delivery},
 * {@code --planes build}, {@code --planes runtime}, or groups of them such as {@code control,delivery}) share one external
 * database ({@code HELIX_DATABASE_URL}) and one {@code HELIX_HOME} (the platform key, uploads and artifacts), exchange
 * events over the bus (NATS JetStream with {@code HELIX_NATS_URL}, else the database's outbox), and the control plane
 * drives a runtime process and a delivery process through their agents ({@code HELIX_RUNTIME_URL},
 * {@code HELIX_DELIVERY_URL}).
 *
 * @param planes      what this process runs ({@code --planes} or {@code HELIX_PLANES}; default all)
 * @param natsUrl     NATS JetStream as the bus ({@code HELIX_NATS_URL}, e.g. {@code nats://127.0.0.1:4222}); null: the
 *                    PostgreSQL bus
 * @param natsStream  the JetStream stream (and, lower-cased, subject prefix) of this installation ({@code HELIX_NATS_STREAM},
 *                    default HELIX): installations sharing one NATS server keep apart by it
 * @param runtimes    the runtime processes' agents by region, for a control plane without the runtime plane
 *                    ({@code HELIX_RUNTIME_URL}: {@code http://host:7420}, in the region {@code region}, or several regions'
 *                    {@code eu=http://a:7420,us=http://b:7420}); an application runs in every one of them
 * @param runtimePort where a runtime process's agent listens ({@code HELIX_RUNTIME_PORT}, default 7420; 0 picks a free one)
 * @param region      the region of this process's runtime, or of the one runtime URL given ({@code HELIX_REGION}, default
 *                    local)
 * @param delivery    the delivery process's agent, for a control plane without the delivery plane ({@code HELIX_DELIVERY_URL},
 *                    e.g. {@code http://host:7430}); null otherwise
 * @param deliveryPort where a delivery process's agent listens ({@code HELIX_DELIVERY_PORT}, default 7430; 0 picks a free one)
 * @param busLease    how long a bus subscriber that went silent (its process died) keeps the events it took before
 *                    another gets them ({@code HELIX_BUS_LEASE}, default 30s): the delay before a build worker's build
 *                    is taken over
 */
public record Topology(Set<Plane> planes, String natsUrl, String natsStream, Map<String, URI> runtimes, int runtimePort,
                       String region, URI delivery, int deliveryPort, java.time.Duration busLease) {
    public static final int DEFAULT_RUNTIME_PORT = 7420;
    public static final int DEFAULT_DELIVERY_PORT = 7430;
    public static final String DEFAULT_NATS_STREAM = "HELIX";
    public static final String DEFAULT_REGION = "local";
    public static final java.time.Duration DEFAULT_BUS_LEASE = java.time.Duration.ofSeconds(30);
    private static final java.util.regex.Pattern REGION = java.util.regex.Pattern.compile("[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?");

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
        runtimes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(runtimes));
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(busLease, "busLease");
    }

    /** Every plane in this process, the PostgreSQL bus. */
    public static Topology allInOne() {
        return new Topology(EnumSet.allOf(Plane.class), null, DEFAULT_NATS_STREAM, Map.of(), DEFAULT_RUNTIME_PORT, DEFAULT_REGION,
                null, DEFAULT_DELIVERY_PORT, DEFAULT_BUS_LEASE);
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
        String region = env.getOrDefault("HELIX_REGION", DEFAULT_REGION).strip();
        if (!REGION.matcher(region).matches()) {
            throw new HelixConfig.ConfigException("HELIX_REGION: \"" + region + "\" (expected: 1-32 lowercase letters, digits or"
                    + " '-', e.g. eu-west)");
        }
        Map<String, URI> runtimes = runtimes(env.get("HELIX_RUNTIME_URL"), region);
        int runtimePort = HelixConfig.port(env, "HELIX_RUNTIME_PORT", DEFAULT_RUNTIME_PORT);
        String deliveryUrl = blankToNull(env.get("HELIX_DELIVERY_URL"));
        URI delivery = deliveryUrl == null ? null : agentUrl(deliveryUrl.strip(), "HELIX_DELIVERY_URL", "delivery",
                DEFAULT_DELIVERY_PORT, "");
        int deliveryPort = HelixConfig.port(env, "HELIX_DELIVERY_PORT", DEFAULT_DELIVERY_PORT);
        java.time.Duration lease = lease(env.get("HELIX_BUS_LEASE"));
        Topology topology = new Topology(planes, nats == null ? null : nats.strip(), stream, runtimes, runtimePort, region,
                delivery, deliveryPort, lease);
        topology.check(config);
        return topology;
    }

    private void check(HelixConfig config) {
        if (planes.isEmpty()) {
            throw new HelixConfig.ConfigException("planes: none (expected: a comma-separated list of control, delivery, build,"
                    + " runtime, or all)");
        }
        if (!everyPlane() && config.databaseUrl() == null) {
            throw new HelixConfig.ConfigException("planes: " + describe() + " runs part of HelixStack: the processes share one"
                    + " database (expected: HELIX_DATABASE_URL=postgresql://… for every process)");
        }
        if (has(Plane.CONTROL) && !has(Plane.RUNTIME) && runtimes.isEmpty()) {
            throw new HelixConfig.ConfigException("planes: " + describe() + " without the runtime plane needs its agent"
                    + " (expected: HELIX_RUNTIME_URL=http://host:" + DEFAULT_RUNTIME_PORT + ", where --planes runtime listens)");
        }
        if (has(Plane.CONTROL) && !has(Plane.DELIVERY) && delivery == null) {
            throw new HelixConfig.ConfigException("planes: " + describe() + " without the delivery plane needs its agent"
                    + " (expected: HELIX_DELIVERY_URL=http://host:" + DEFAULT_DELIVERY_PORT + ", where --planes delivery listens)");
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
            if (name.isEmpty()) {
                continue;
            }
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

    /** {@code http://host:7420} (in {@code region}) or {@code eu=http://a:7420,us=http://b:7420}, in order. */
    private static Map<String, URI> runtimes(String value, String region) {
        Map<String, URI> runtimes = new java.util.LinkedHashMap<>();
        if (value == null || value.isBlank()) {
            return runtimes;
        }
        for (String part : value.split(",")) {
            String entry = part.strip();
            int eq = entry.indexOf('=');
            String name = eq < 0 ? region : entry.substring(0, eq).strip();
            String url = eq < 0 ? entry : entry.substring(eq + 1).strip();
            if (!REGION.matcher(name).matches() || runtimes.containsKey(name)) {
                throw new HelixConfig.ConfigException("HELIX_RUNTIME_URL: region \"" + name + "\" in \"" + value + "\" (expected:"
                        + " distinct names of 1-32 lowercase letters, digits or '-', as in eu=http://a:" + DEFAULT_RUNTIME_PORT
                        + ",us=http://b:" + DEFAULT_RUNTIME_PORT + ")");
            }
            runtimes.put(name, agentUrl(url, "HELIX_RUNTIME_URL", "runtime", DEFAULT_RUNTIME_PORT,
                    ", or one per region: eu=http://a:7420,us=http://b:7420"));
        }
        return runtimes;
    }

    private static URI agentUrl(String value, String setting, String plane, int port, String alternative) {
        try {
            URI uri = new URI(value.replaceAll("/+$", ""));
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && (uri.getPath() == null || uri.getPath().isEmpty())) {
                return uri;
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        throw new HelixConfig.ConfigException(setting + ": \"" + value + "\" (expected: the " + plane + " agent's base URL, e.g."
                + " http://127.0.0.1:" + port + alternative + ")");
    }

    private static java.time.Duration lease(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_BUS_LEASE;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(s|m)").matcher(value.strip());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            java.time.Duration lease = m.group(2).equals("s") ? java.time.Duration.ofSeconds(n) : java.time.Duration.ofMinutes(n);
            if (lease.compareTo(java.time.Duration.ofSeconds(3)) >= 0 && lease.compareTo(java.time.Duration.ofMinutes(30)) <= 0) {
                return lease;
            }
        }
        throw new HelixConfig.ConfigException("HELIX_BUS_LEASE: \"" + value + "\" (expected: a duration from 3s to 30m, e.g. 30s)");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}

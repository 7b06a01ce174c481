package io.ciorelay.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * Immutable configuration of a {@link TrackClient}, made with {@link #builder()}.
 *
 * <p>Defaults: region {@link Region#US}; connect timeout {@link #DEFAULT_CONNECT_TIMEOUT} (5 s);
 * request timeout {@link #DEFAULT_REQUEST_TIMEOUT} (10 s, per attempt, from sending the request to
 * receiving the whole response); User-Agent {@link #DEFAULT_USER_AGENT}
 * ({@code cio-relay-java/<version>}); the HttpClient's own executor; the system UTC clock (used to
 * read {@code Retry-After} dates). {@link #toString()} never shows the API key. Thread-safe.
 */
public final class TrackClientConfig {
    /** Default time allowed to open a TCP (and TLS) connection: 5 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Default time allowed for one request, from sending to the end of the response: 10 seconds. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Default region: {@link Region#US}. */
    public static final Region DEFAULT_REGION = Region.US;
    /** The library version, read from the jar ({@code unknown} if it cannot be read). */
    public static final String VERSION = readVersion();
    /** Default User-Agent: {@code cio-relay-java/<version>}. */
    public static final String DEFAULT_USER_AGENT = "cio-relay-java/" + VERSION;

    private final Credentials credentials;
    private final Region region;
    private final URI baseUrl;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final String userAgent;
    private final Executor executor;
    private final Clock clock;

    private TrackClientConfig(Builder b) {
        this.credentials = b.credentials;
        this.region = b.region;
        this.baseUrl = b.baseUrl != null ? b.baseUrl : b.region.trackBaseUrl();
        this.connectTimeout = b.connectTimeout;
        this.requestTimeout = b.requestTimeout;
        this.userAgent = b.userAgent;
        this.executor = b.executor;
        this.clock = b.clock;
    }

    /** Returns a builder with the defaults above and no credentials. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the workspace credentials. */
    public Credentials credentials() {
        return credentials;
    }

    /** Returns the region (ignored for requests when {@link Builder#baseUrl(URI)} was set). */
    public Region region() {
        return region;
    }

    /** Returns the base URL requests go to: the one set, else the region's Track URL; no trailing slash. */
    public URI baseUrl() {
        return baseUrl;
    }

    /** Returns the connect timeout. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Returns the per-request timeout. */
    /**
     * A new JDK HTTP client for these settings: HTTP/1.1 (pooled keep-alive connections), the
     * connect timeout, redirects not followed, and the executor if one is set.
     */
    public java.net.http.HttpClient newHttpClient() {
        java.net.http.HttpClient.Builder b = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(java.net.http.HttpClient.Redirect.NEVER);
        executor().ifPresent(b::executor);
        return b.build();
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** Returns the User-Agent header value. */
    public String userAgent() {
        return userAgent;
    }

    /** Returns the executor given to the HttpClient, if one was set. */
    public Optional<Executor> executor() {
        return Optional.ofNullable(executor);
    }

    /** Returns the clock used to interpret {@code Retry-After} dates. */
    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "TrackClientConfig{credentials=" + credentials + ", region=" + region + ", baseUrl=" + baseUrl
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
                + ", userAgent=" + userAgent + ", executor=" + (executor == null ? "default" : "custom") + "}";
    }

    private static String readVersion() {
        try (InputStream in = TrackClientConfig.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank() && !v.startsWith("${")) {
                    return v.trim();
                }
            }
        } catch (IOException e) {
            // fall through to "unknown": the version only decorates the User-Agent
        }
        return "unknown";
    }

    /**
     * Builder of {@link TrackClientConfig}. Each setter rejects a bad value at once with an
     * {@link IllegalArgumentException} naming the field and the value. Not thread-safe.
     */
    public static final class Builder {
        private Credentials credentials;
        private Region region = DEFAULT_REGION;
        private URI baseUrl;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private String userAgent = DEFAULT_USER_AGENT;
        private Executor executor;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** Sets the credentials (required). @throws IllegalArgumentException if null */
        public Builder credentials(Credentials credentials) {
            if (credentials == null) {
                throw new IllegalArgumentException("credentials must not be null but was null");
            }
            this.credentials = credentials;
            return this;
        }

        /** Sets the region (default US). @throws IllegalArgumentException if null */
        public Builder region(Region region) {
            if (region == null) {
                throw new IllegalArgumentException("region must not be null but was null");
            }
            this.region = region;
            return this;
        }

        /**
         * Sets a base URL that overrides the region, e.g. {@code http://127.0.0.1:8080}; a path
         * prefix is kept, a trailing slash dropped.
         *
         * @throws IllegalArgumentException unless an absolute http or https URI with a host and no
         *     query or fragment
         */
        public Builder baseUrl(URI baseUrl) {
            if (baseUrl == null || baseUrl.getScheme() == null
                    || !(baseUrl.getScheme().equalsIgnoreCase("http") || baseUrl.getScheme().equalsIgnoreCase("https"))
                    || baseUrl.getHost() == null || baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null
                    || baseUrl.getRawUserInfo() != null) {
                throw new IllegalArgumentException(
                        "baseUrl must be an absolute http or https URI with a host and no user info, query or fragment but was "
                                + (baseUrl == null ? "null" : redactUserInfo(baseUrl)));
            }
            String s = baseUrl.toString();
            while (s.endsWith("/")) {
                s = s.substring(0, s.length() - 1);
            }
            this.baseUrl = URI.create(s);
            return this;
        }

        /** Sets the connect timeout (default 5 s). @throws IllegalArgumentException unless positive */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive("connectTimeout", connectTimeout);
            return this;
        }

        /** Sets the per-request timeout (default 10 s). @throws IllegalArgumentException unless positive */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = positive("requestTimeout", requestTimeout);
            return this;
        }

        /** Sets the User-Agent. @throws IllegalArgumentException if blank or containing line breaks */
        public Builder userAgent(String userAgent) {
            if (userAgent == null || userAgent.isBlank() || userAgent.indexOf('\r') >= 0 || userAgent.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("userAgent must be non-blank text on one line but was "
                        + (userAgent == null ? "null" : "'" + userAgent + "'"));
            }
            this.userAgent = userAgent;
            return this;
        }

        /** Sets the executor the HttpClient runs its tasks on. @throws IllegalArgumentException if null */
        public Builder executor(Executor executor) {
            if (executor == null) {
                throw new IllegalArgumentException("executor must not be null but was null");
            }
            this.executor = executor;
            return this;
        }

        /** Sets the clock used to interpret {@code Retry-After} dates. @throws IllegalArgumentException if null */
        public Builder clock(Clock clock) {
            if (clock == null) {
                throw new IllegalArgumentException("clock must not be null but was null");
            }
            this.clock = clock;
            return this;
        }

        /** Builds the config. @throws IllegalStateException if no credentials were set */
        public TrackClientConfig build() {
            if (credentials == null) {
                throw new IllegalStateException("credentials must be set but was null");
            }
            return new TrackClientConfig(this);
        }

        private static Duration positive(String field, Duration d) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(field + " must be positive but was " + d);
            }
            return d;
        }

        private static String redactUserInfo(URI uri) {
            return uri.getRawUserInfo() == null ? uri.toString() : uri.toString().replace(uri.getRawUserInfo(), "****");
        }
    }
}

package io.ciorelay.client;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A person's mobile device: a push token, its platform and optional attributes.
 *
 * <p>{@code platform} is {@code ios} or {@code android}; {@code lastUsed} is in unix epoch seconds.
 * Attribute limits are checked by {@link Limits} when the device is sent. In v1 the token is sent as
 * {@code id}; in v2 as {@code token}. Immutable and thread-safe (the attribute map is copied,
 * shallowly).
 */
public final class Device {
    private final String token;
    private final String platform;
    private final Long lastUsed;
    private final Map<String, Object> attributes;

    private Device(Builder b) {
        this.token = b.token;
        this.platform = b.platform;
        this.lastUsed = b.lastUsed;
        this.attributes = b.attributes;
    }

    /** Starts a device with its push token and platform (both checked when sent). */
    public static Builder builder(String token, String platform) {
        return new Builder(token, platform);
    }

    /** Returns the push token. */
    public String token() {
        return token;
    }

    /** Returns the platform, or null (as for a v2 {@code delete_device}). */
    public String platform() {
        return platform;
    }

    /** Returns when the device was last used, in unix seconds, or null. */
    public Long lastUsed() {
        return lastUsed;
    }

    /** Returns the device attributes, empty if none; unmodifiable. */
    public Map<String, Object> attributes() {
        return attributes;
    }

    /** Returns the wire form with the token under {@code tokenKey} ({@code id} for v1, {@code token} for v2). */
    Map<String, Object> toWire(String tokenKey) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(tokenKey, token);
        if (platform != null) {
            m.put("platform", platform);
        }
        if (lastUsed != null) {
            m.put("last_used", lastUsed);
        }
        if (!attributes.isEmpty()) {
            m.put("attributes", attributes);
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Device d && Objects.equals(token, d.token) && Objects.equals(platform, d.platform)
                && Objects.equals(lastUsed, d.lastUsed) && attributes.equals(d.attributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(token, platform, lastUsed, attributes);
    }

    @Override
    public String toString() {
        return "Device{platform=" + platform + ", lastUsed=" + lastUsed + ", attributes=" + attributes.size() + " keys}";
    }

    /** Builder of {@link Device}. Not thread-safe. */
    public static final class Builder {
        private final String token;
        private final String platform;
        private Long lastUsed;
        private Map<String, Object> attributes = Map.of();

        private Builder(String token, String platform) {
            this.token = token;
            this.platform = platform;
        }

        /** Sets when the device was last used, in unix seconds; null means unknown. */
        public Builder lastUsed(Long epochSeconds) {
            this.lastUsed = epochSeconds;
            return this;
        }

        /** Sets device attributes ({@code device_os}, {@code app_version}, ...); null means none. Copied. */
        public Builder attributes(Map<String, ?> attributes) {
            this.attributes = Event.copy(attributes);
            return this;
        }

        /** Builds the device. */
        public Device build() {
            return new Device(this);
        }
    }
}

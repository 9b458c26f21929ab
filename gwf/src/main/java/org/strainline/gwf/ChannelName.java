package org.strainline.gwf;

import java.nio.charset.StandardCharsets;

/** A channel name encoded once, so that looking it up in each new file allocates nothing. */
public final class ChannelName {
    private final String name;
    final byte[] bytes;

    private ChannelName(String name) {
        this.name = name;
        this.bytes = name.getBytes(StandardCharsets.ISO_8859_1);
    }

    public static ChannelName of(String name) {
        return new ChannelName(name);
    }

    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}

package dev.unifarm.api.instances;

import java.security.SecureRandom;
import java.time.Instant;

/** Instance ids that sort by creation time (for paging) and are short enough for socket paths. */
final class InstanceIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private InstanceIds() {
    }

    static String next(Instant now) {
        return String.format("i-%011x%06x", now.toEpochMilli(), RANDOM.nextInt(1 << 24));
    }
}

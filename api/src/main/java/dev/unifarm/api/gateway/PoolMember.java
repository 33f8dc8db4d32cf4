package dev.unifarm.api.gateway;

import dev.unifarm.api.instances.Instance;
import dev.unifarm.scheduler.Endpoint;

/** One instance of an app's pool as the pool sees it; read and written only under the pool's lock. */
final class PoolMember {

    enum Phase { BOOTING, READY, STOPPING }

    final String id;
    /** When the start was asked for: the activation timeout counts from here. */
    final long askedAt;
    /** {@code boot} or {@code restore} ({@code Instance.activation}). */
    final String activation;
    Phase phase = Phase.BOOTING;
    /** It answered a request (below 500) through the gateway. */
    boolean answered;
    String host;
    int port;
    int inFlight;
    long idleSince;
    long checkedAt;

    PoolMember(String id, long askedAt) {
        this(id, askedAt, Instance.BOOT);
    }

    PoolMember(String id, long askedAt, String activation) {
        this.id = id;
        this.askedAt = askedAt;
        this.activation = activation;
    }

    /** Its app accepts requests at {@code endpoint} from {@code now} on. */
    void ready(Endpoint endpoint, long now) {
        host = endpoint.host();
        port = endpoint.port();
        phase = Phase.READY;
        idleSince = now;
    }
}

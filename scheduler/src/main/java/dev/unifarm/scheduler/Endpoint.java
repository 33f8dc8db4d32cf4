package dev.unifarm.scheduler;

/**
 * An instance's {@code endpoint} ({@link InstanceStatus#endpoint()}): {@code <host>:<port>} where the farm
 * reaches the app's forwarded port. The host may be an IPv6 address in brackets, so the port is what
 * follows the last colon.
 */
public record Endpoint(String host, int port) {

    /** Reads {@code host:port}; an endpoint without a port is a bug where it was made. */
    public static Endpoint parse(String endpoint) {
        int colon = endpoint.lastIndexOf(':');
        if (colon <= 0 || colon == endpoint.length() - 1) {
            throw new IllegalArgumentException("endpoint " + endpoint + " is not host:port");
        }
        return new Endpoint(endpoint.substring(0, colon), Integer.parseInt(endpoint.substring(colon + 1)));
    }

    /** The same port on another host (a launcher Pod's forward, seen from the farm at the Pod's IP). */
    public Endpoint onHost(String otherHost) {
        return new Endpoint(otherHost, port);
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}

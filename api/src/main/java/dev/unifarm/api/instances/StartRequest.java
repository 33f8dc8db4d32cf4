package dev.unifarm.api.instances;

import java.util.List;
import java.util.Map;

/** Optional body of a start call: args and env overriding the app spec for this one instance. */
public record StartRequest(List<String> args, Map<String, String> env) {
}

package dev.unifarm.api.apps;

import java.util.List;

/** The answer to deleting an app: which of its instances were live and have been stopped. */
public record AppDeleted(String app, List<String> stoppedInstances) {
}

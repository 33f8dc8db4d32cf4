package dev.unifarm.api.apps;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer to deleting an app: which of its instances were live and have been stopped. */
@Schema(description = "A deleted app")
public record AppDeleted(
        @Schema(description = "The deleted app's name")
        String app,
        @Schema(description = "Ids of the app's instances that were live and have been stopped")
        List<String> stoppedInstances) {
}

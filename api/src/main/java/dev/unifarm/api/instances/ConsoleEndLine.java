package dev.unifarm.api.instances;

/** The plain last line of a followed app view: how the instance ended, in the record's own words. */
final class ConsoleEndLine {

    static final String PREFIX = "[unifarm] ";

    private ConsoleEndLine() {
    }

    /** {@code [unifarm] ended: Succeeded, exit code 0 (Completed)}; a live instance (the follow limit passed) says so. */
    static String of(Instance instance) {
        if (!instance.state().isTerminal()) {
            return PREFIX + "still " + instance.state() + ": follow the console again for more";
        }
        String code = instance.exitCode() == null ? "" : ", exit code " + instance.exitCode();
        String reason = instance.reason() == null ? "" : " (" + instance.reason() + ")";
        return PREFIX + "ended: " + instance.state() + code + reason;
    }

    /** The instance's record went with its app while the console was followed. */
    static String deleted() {
        return PREFIX + "ended: the instance was deleted with its app";
    }
}

package dev.unifarm.api.operator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.unifarm.api.apps.AppSpec;
import io.fabric8.generator.annotation.Required;
import java.util.List;
import java.util.Map;

/**
 * The bundle's source and the REST app spec's settings ({@code AppSpec}; docs/operator.md,
 * "Operator"). The settings are checked by the farm's {@code AppSpecParser}, as for an upload, so the
 * rules live in one place.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DotnetAppSpec {

    @Required
    private DotnetAppSource source;
    @JsonPropertyDescription("main assembly, e.g. shop.dll; inferred when the bundle has exactly one runtimeconfig")
    private String entrypoint;
    private List<String> args;
    private Map<String, String> env;
    @JsonPropertyDescription("guest memory in MiB (128 to 65536)")
    private Integer memoryMiB;
    @JsonPropertyDescription("the TCP port an HTTP app listens on; needed for the gateway and warm instances")
    private Integer port;
    @JsonPropertyDescription("kernel profile name of the farm (default linux)")
    private String kernel;
    @JsonPropertyDescription("on-demand scaling: minInstances kept warm, maxInstances, maxConcurrency, idleTimeout (ISO-8601)")
    private AppSpec.Scaling scaling;
    @JsonPropertyDescription("Never, OnFailure or Always")
    private String restartPolicy;
    @JsonPropertyDescription(".NET roll-forward policy for the shared framework")
    private String rollForward;
    @JsonPropertyDescription("false leaves the farm's compatibility layer out of the app's Unikraft images (default true;"
            + " linux images never have it)")
    private Boolean compat;

    /** The farm's app spec these settings make (unchecked: the parser checks it). */
    public AppSpec toAppSpec() {
        return new AppSpec(entrypoint, args, env, memoryMiB, port, kernel, scaling, restartPolicy, rollForward, compat, null, null);
    }

    public DotnetAppSource getSource() {
        return source;
    }

    public void setSource(DotnetAppSource source) {
        this.source = source;
    }

    public String getEntrypoint() {
        return entrypoint;
    }

    public void setEntrypoint(String entrypoint) {
        this.entrypoint = entrypoint;
    }

    public List<String> getArgs() {
        return args;
    }

    public void setArgs(List<String> args) {
        this.args = args;
    }

    public Map<String, String> getEnv() {
        return env;
    }

    public void setEnv(Map<String, String> env) {
        this.env = env;
    }

    public Integer getMemoryMiB() {
        return memoryMiB;
    }

    public void setMemoryMiB(Integer memoryMiB) {
        this.memoryMiB = memoryMiB;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public String getKernel() {
        return kernel;
    }

    public void setKernel(String kernel) {
        this.kernel = kernel;
    }

    public AppSpec.Scaling getScaling() {
        return scaling;
    }

    public void setScaling(AppSpec.Scaling scaling) {
        this.scaling = scaling;
    }

    public String getRestartPolicy() {
        return restartPolicy;
    }

    public void setRestartPolicy(String restartPolicy) {
        this.restartPolicy = restartPolicy;
    }

    public String getRollForward() {
        return rollForward;
    }

    public void setRollForward(String rollForward) {
        this.rollForward = rollForward;
    }

    public Boolean getCompat() {
        return compat;
    }

    public void setCompat(Boolean compat) {
        this.compat = compat;
    }
}

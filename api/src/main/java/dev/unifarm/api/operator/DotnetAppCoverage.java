package dev.unifarm.api.operator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** {@code status.coverage}: what the farm knows of the app's syscalls (docs/coverage.md). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DotnetAppCoverage {

    @JsonPropertyDescription("observed syscall coverage on the app's kernel (distinct syscalls ok), e.g. 97%; empty before a traced run")
    private String observed;
    @JsonPropertyDescription("the syscalls the app's newest needs sweep found required (with neither a stub's ENOSYS nor a fake 0 does it"
            + " pass its workload), sorted; absent before a sweep")
    private List<String> required;

    public DotnetAppCoverage() {
    }

    public DotnetAppCoverage(String observed, List<String> required) {
        this.observed = observed;
        this.required = required;
    }

    public String getObserved() {
        return observed;
    }

    public void setObserved(String observed) {
        this.observed = observed;
    }

    public List<String> getRequired() {
        return required;
    }

    public void setRequired(List<String> required) {
        this.required = required;
    }
}

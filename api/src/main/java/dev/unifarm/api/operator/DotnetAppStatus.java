package dev.unifarm.api.operator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the farm made of the spec, per the Kubernetes API conventions (conditions {@code ImageReady} and {@code Ready}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DotnetAppStatus {

    @JsonPropertyDescription("the metadata.generation this status describes")
    private Long observedGeneration;
    private List<Condition> conditions = new ArrayList<>();
    @JsonPropertyDescription("Pending, Fetching, Building, Starting, Running, Failed")
    private String phase;
    @JsonPropertyDescription("the farm app behind this resource")
    private String app;
    @JsonPropertyDescription("the farm revision built for observedGeneration")
    private Integer revision;
    @JsonPropertyDescription("sha256 of the bundle fetched for that revision")
    private String sourceDigest;
    @JsonPropertyDescription("digest of the built unikernel image")
    private String imageDigest;
    @JsonPropertyDescription("instances of the current revision that are Running")
    private Integer readyInstances;
    @JsonPropertyDescription("live instances (Pending, Booting, Running) of the app")
    private Integer instances;
    @JsonPropertyDescription("readyInstances/instances, for kubectl")
    private String ready;
    @JsonPropertyDescription("the app's syscalls: observed coverage on its kernel, and what its newest needs sweep found required")
    private DotnetAppCoverage coverage;
    @JsonPropertyDescription("the gateway URL of the app")
    private String url;

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions == null ? new ArrayList<>() : conditions;
    }

    public String getPhase() {
        return phase;
    }

    public void setPhase(String phase) {
        this.phase = phase;
    }

    public String getApp() {
        return app;
    }

    public void setApp(String app) {
        this.app = app;
    }

    public Integer getRevision() {
        return revision;
    }

    public void setRevision(Integer revision) {
        this.revision = revision;
    }

    public String getSourceDigest() {
        return sourceDigest;
    }

    public void setSourceDigest(String sourceDigest) {
        this.sourceDigest = sourceDigest;
    }

    public String getImageDigest() {
        return imageDigest;
    }

    public void setImageDigest(String imageDigest) {
        this.imageDigest = imageDigest;
    }

    public Integer getReadyInstances() {
        return readyInstances;
    }

    public void setReadyInstances(Integer readyInstances) {
        this.readyInstances = readyInstances;
    }

    public Integer getInstances() {
        return instances;
    }

    public void setInstances(Integer instances) {
        this.instances = instances;
    }

    public String getReady() {
        return ready;
    }

    public void setReady(String ready) {
        this.ready = ready;
    }

    public DotnetAppCoverage getCoverage() {
        return coverage;
    }

    public void setCoverage(DotnetAppCoverage coverage) {
        this.coverage = coverage;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }
}

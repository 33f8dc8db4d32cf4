package dev.unifarm.api.apps;

/** Build state of an app revision. */
public enum RevisionState {
    Pending, Building, Ready, Failed
}

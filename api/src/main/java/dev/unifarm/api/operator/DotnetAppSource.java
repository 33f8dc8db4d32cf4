package dev.unifarm.api.operator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where the app's bundle (a .zip or .tar.gz of the dotnet publish output) comes from: exactly one of {@code oci} and {@code url}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DotnetAppSource {

    @JsonPropertyDescription("OCI artifact holding the bundle as its single layer, [http://]host[:port]/repository(:tag|@sha256:...); "
            + "http:// is plain HTTP without auth")
    private String oci;

    @JsonPropertyDescription("https:// URL of the bundle; needs sha256")
    private String url;

    @JsonPropertyDescription("hex sha256 of the bundle at url (64 characters), checked before anything is built")
    private String sha256;

    public DotnetAppSource() {
    }

    public DotnetAppSource(String oci, String url, String sha256) {
        this.oci = oci;
        this.url = url;
        this.sha256 = sha256;
    }

    public String getOci() {
        return oci;
    }

    public void setOci(String oci) {
        this.oci = oci;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public String getSha256() {
        return sha256;
    }

    public void setSha256(String sha256) {
        this.sha256 = sha256;
    }
}

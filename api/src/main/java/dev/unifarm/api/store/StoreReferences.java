package dev.unifarm.api.store;

import java.util.List;

/**
 * What the sweep asks of the records before it deletes a file: whether anything still refers to a blob
 * or an image. The revision records answer it, so the store needs not know them.
 */
public interface StoreReferences {

    /** Whether any revision (of any app) was made from this bundle blob or produced this image. */
    boolean references(String digest);

    /** Image digests of every revision that has one, for the root filesystems still in use. */
    List<String> imageDigests();
}

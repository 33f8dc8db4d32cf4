-- The revision's image as an OCI image: its manifest digest in the store's OCI layout, and where a
-- registry holds it (<host:port>/<repository>@<digest>) when the farm pushes to one.
ALTER TABLE revisions ADD COLUMN oci_digest VARCHAR(71);
ALTER TABLE revisions ADD COLUMN oci_reference VARCHAR(512);

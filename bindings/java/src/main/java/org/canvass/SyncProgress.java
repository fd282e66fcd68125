package org.canvass;

/** Told the exchange so far, on the syncing thread, after each batch sent or stored. */
@FunctionalInterface
public interface SyncProgress {
    /** `progressJson`: {"to_send", "sent", "acknowledged", "received", "stored"}. Exceptions
     * thrown here are dropped: they do not stop the sync. */
    void onProgress(String progressJson);
}

package org.canvass;

import java.io.IOException;

/**
 * A connection the app opened itself to the project's server (its own socket, a VPN, a
 * proxy), for {@link Store#enroll(String, String, Transport)} and
 * {@link Store#sync(Transport, SyncProgress)}: a byte stream on which canvass writes and
 * reads its frames as over its own TCP. Called on the syncing thread only, one call at a
 * time. Deadlines are the transport's: a read that never returns stalls the sync, so give
 * the socket a read timeout. {@link SocketTransport} is one over a java.net.Socket.
 */
public interface Transport {
    /** Writes all `length` bytes of `data`. A {@link java.net.SocketTimeoutException} is a
     * timeout, any other exception a broken connection. */
    void send(byte[] data, int length) throws IOException;

    /** Reads at least one byte into `buffer` and returns how many, or -1 when the peer closed
     * the connection (as InputStream.read does). Exceptions as for send. */
    int receive(byte[] buffer) throws IOException;

    /** Closes the connection: canvass calls it once when the enrollment or sync ends. */
    void close() throws IOException;
}

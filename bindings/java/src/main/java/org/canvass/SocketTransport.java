package org.canvass;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/** A {@link Transport} over a connected java.net.Socket, what an app passes when it opens
 * its own sockets (to pick the network, or to count the bytes). */
public final class SocketTransport implements Transport {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** Takes over `socket` (connected): canvass closes it when the sync ends. */
    public SocketTransport(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to "host:port" (as canvass_status gives "server") with timeouts in ms. */
    public static SocketTransport connect(String address, int connectTimeoutMs, int readTimeoutMs)
            throws IOException {
        int colon = address.lastIndexOf(':');
        if (colon <= 0) throw new IOException("not host:port: " + address);
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port = Integer.parseInt(address.substring(colon + 1));
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), connectTimeoutMs);
            s.setSoTimeout(readTimeoutMs);
            s.setTcpNoDelay(true);
            return new SocketTransport(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public void send(byte[] data, int length) throws IOException {
        out.write(data, 0, length);
        out.flush();
    }

    @Override
    public int receive(byte[] buffer) throws IOException {
        return in.read(buffer);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

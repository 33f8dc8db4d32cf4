// An HTTP/1.1 server on a raw TcpListener written the way many hand-written servers are (issue 15):
// it writes the response header, then the body in two more writes, and lets a write error end the app, so a
// client that closes before the body (a readiness probe that reads one byte) kills it with
// "Connection reset by peer". One connection at a time.
//   PORT   listen port (default 8080)
// GET /healthz answers 200 "ok" and is counted; any other path answers 200
// "two-writes: GET <PATH> (healthz: <count>)", so a test can see which path the probe used.
using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;

public static class TwoWrites
{
    public static int Main(string[] args)
    {
        string env = Environment.GetEnvironmentVariable("PORT");
        int port;
        if (env == null || !int.TryParse(env, out port)) port = 8080;
        var listener = new TcpListener(IPAddress.Any, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Console.WriteLine("two-writes listening on port " + port);
        int healthz = 0;
        while (true)
        {
            using (TcpClient client = listener.AcceptTcpClient())
            {
                NetworkStream stream = client.GetStream();
                string path = RequestPath(stream);
                if (path == null) continue;   // closed before a whole request: nothing to answer
                string body;
                if (path == "/healthz")
                {
                    healthz++;
                    body = "ok\n";
                }
                else
                {
                    body = "two-writes: GET " + path + " (healthz: " + healthz + ")\n";
                }
                byte[] payload = Encoding.ASCII.GetBytes(body);
                byte[] header = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                    + payload.Length + "\r\nConnection: close\r\n\r\n");
                stream.Write(header, 0, header.Length);
                stream.Flush();
                // The body follows in two more writes, a moment apart, as when it is computed after the
                // header went out: by the second, a client that closed early has reset the connection,
                // and the write fails (unhandled: the app dies).
                int half = payload.Length / 2;
                Thread.Sleep(200);
                stream.Write(payload, 0, half);
                stream.Flush();
                Thread.Sleep(200);
                stream.Write(payload, half, payload.Length - half);
                stream.Flush();
                client.Client.Shutdown(SocketShutdown.Send);
            }
        }
    }

    // The request target of "GET /x HTTP/1.1", after reading the head up to its blank line; null at EOF.
    static string RequestPath(NetworkStream stream)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n"))
        {
            if (stream.Read(one, 0, 1) <= 0) return null;
            head.Append((char)one[0]);
            if (head.Length > 16384) return null;
        }
        string[] words = head.ToString().Split(' ');
        return words.Length > 1 ? words[1] : "/";
    }
}

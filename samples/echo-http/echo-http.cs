// Tiny HTTP/1.1 echo server on a raw TcpListener (no ASP.NET, nothing newer than
// netcoreapp2.0 / mono 4.x APIs), used to test guest networking and port forwarding.
//   PORT      listen port (default 8080)
//   DELAY_MS  optional sleep before each answer, for concurrency tests
// GET /slow?ms=N answers after N ms (at most 60000): one slow request without slowing the others,
// e.g. the readiness probe's GET /, for the gateway's concurrency tests.
// GET /connect?to=HOST:PORT tries a TCP connection out of the guest and adds "connect: ok" or
// "connect: failed: <why>" to the answer, for the tests of the guest network's fences.
// GET /urandom adds "urandom: <32 hex digits>" (16 bytes read from /dev/urandom for this request) and
// GET /now adds "now: <UTC time, ISO 8601 with ms>": a guest restored from a snapshot must answer with its own
// random numbers and the current time, not the snapshot's.
// Answers every request with 200 and "echo-http: <METHOD> <PATH>\n" + request body.
using System;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;

public static class EchoHttp
{
    static int delayMs;

    public static int Main(string[] args)
    {
        int port = EnvInt("PORT", 8080);
        delayMs = EnvInt("DELAY_MS", 0);

        var listener = new TcpListener(IPAddress.Any, port);
        // We close connections first, leaving TIME_WAIT sockets; without this a quick restart fails with EADDRINUSE.
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Console.WriteLine("echo-http listening on port " + port);

        while (true)
        {
            TcpClient client = listener.AcceptTcpClient();
            // One thread per connection so DELAY_MS requests overlap.
            var t = new Thread(() => Handle(client));
            t.IsBackground = true;
            t.Start();
        }
    }

    static string Connect(string path)
    {
        const string key = "/connect?to=";
        if (!path.StartsWith(key)) return "";
        string[] hostPort = path.Substring(key.Length).Split(':');
        try
        {
            using (var outbound = new TcpClient())
            {
                if (!outbound.ConnectAsync(hostPort[0], int.Parse(hostPort[1])).Wait(5000)) return "connect: failed: timed out\n";
                return "connect: ok\n";
            }
        }
        catch (Exception e)
        {
            return "connect: failed: " + (e.InnerException ?? e).Message + "\n";
        }
    }

    static string Urandom(string path)
    {
        if (path != "/urandom") return "";
        var bytes = new byte[16];
        using (var random = File.OpenRead("/dev/urandom"))
        {
            for (int n = 0; n < bytes.Length;)
            {
                int read = random.Read(bytes, n, bytes.Length - n);
                if (read <= 0) throw new IOException("/dev/urandom ended");
                n += read;
            }
        }
        return "urandom: " + BitConverter.ToString(bytes).Replace("-", "").ToLowerInvariant() + "\n";
    }

    static string Now(string path)
    {
        if (path != "/now") return "";
        return "now: " + DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) + "\n";
    }

    static int EnvInt(string name, int dflt)
    {
        string v = Environment.GetEnvironmentVariable(name);
        int n;
        return (v != null && int.TryParse(v, out n)) ? n : dflt;
    }

    static void Handle(TcpClient client)
    {
        try
        {
            using (client)
            {
                client.ReceiveTimeout = 30000;
                NetworkStream stream = client.GetStream();

                // Read bytes until the blank line that ends the headers; anything
                // read past it is the start of the body.
                var buf = new MemoryStream();
                var chunk = new byte[4096];
                int headerEnd = -1;
                while (headerEnd < 0)
                {
                    int n = stream.Read(chunk, 0, chunk.Length);
                    if (n <= 0) return;            // client went away before a full request
                    buf.Write(chunk, 0, n);
                    headerEnd = IndexOf(buf.GetBuffer(), (int)buf.Length, "\r\n\r\n");
                    if (headerEnd < 0 && buf.Length > 64 * 1024) return;   // not HTTP
                }

                byte[] raw = buf.ToArray();
                string head = Encoding.ASCII.GetString(raw, 0, headerEnd);
                string[] lines = head.Split(new[] { "\r\n" }, StringSplitOptions.None);
                string[] requestLine = lines[0].Split(' ');
                string method = requestLine.Length > 0 ? requestLine[0] : "";
                string path = requestLine.Length > 1 ? requestLine[1] : "";

                int contentLength = 0;
                for (int i = 1; i < lines.Length; i++)
                {
                    int colon = lines[i].IndexOf(':');
                    if (colon > 0 && lines[i].Substring(0, colon).Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                        int.TryParse(lines[i].Substring(colon + 1).Trim(), out contentLength);
                }

                // Body: what came with the headers, then the rest from the socket.
                var body = new MemoryStream();
                int bodyStart = headerEnd + 4;
                body.Write(raw, bodyStart, Math.Min(raw.Length - bodyStart, contentLength));
                while (body.Length < contentLength)
                {
                    int n = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, contentLength - body.Length));
                    if (n <= 0) break;
                    body.Write(chunk, 0, n);
                }

                if (delayMs > 0) Thread.Sleep(delayMs);
                int slowMs = SlowMillis(path);
                if (slowMs > 0) Thread.Sleep(slowMs);

                var payload = new MemoryStream();
                byte[] prefix = Encoding.UTF8.GetBytes("echo-http: " + method + " " + path + "\n" + Connect(path) + Urandom(path) + Now(path));
                payload.Write(prefix, 0, prefix.Length);
                body.WriteTo(payload);

                byte[] header = Encoding.ASCII.GetBytes(
                    "HTTP/1.1 200 OK\r\n" +
                    "Content-Type: text/plain\r\n" +
                    "Content-Length: " + payload.Length + "\r\n" +
                    "Connection: close\r\n" +
                    "\r\n");
                stream.Write(header, 0, header.Length);
                payload.WriteTo(stream);
                stream.Flush();
            }
        }
        catch (Exception e)
        {
            // A broken connection must not take the server down.
            Console.Error.WriteLine("echo-http: connection error: " + e.Message);
        }
    }

    // "/slow?ms=1500" -> 1500; anything else -> 0.
    static int SlowMillis(string path)
    {
        const string prefix = "/slow?ms=";
        int ms;
        if (!path.StartsWith(prefix, StringComparison.Ordinal)) return 0;
        if (!int.TryParse(path.Substring(prefix.Length), out ms)) return 0;
        return Math.Max(0, Math.Min(ms, 60000));
    }

    static int IndexOf(byte[] data, int length, string marker)
    {
        byte[] m = Encoding.ASCII.GetBytes(marker);
        for (int i = 0; i + m.Length <= length; i++)
        {
            int j = 0;
            while (j < m.Length && data[i + j] == m[j]) j++;
            if (j == m.Length) return i;
        }
        return -1;
    }
}

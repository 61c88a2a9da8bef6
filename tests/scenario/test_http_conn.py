"""The data-plane HTTP connection (emulator/http/http.c): keep-alive holds across many
requests on one connection, and the per-connection memory (64 KiB since the benchmark showed
that libmicrohttpd 0.9.75 clears it between requests, README "Performance") still takes a
header block at API Gateway's own limit (10240 bytes, aws-behavior.md §1.8) while a far larger
one is refused without hanging the connection."""
import http.client
import os
import unittest

from fg import FIXTURES, Frontgate

HOST = "s1c2e3n4a5.execute-api.us-east-1.amazonaws.com"


class HttpConnection(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fg = Frontgate(fixtures=[os.path.join(FIXTURES, "apigw", "basic.yaml")])

    @classmethod
    def tearDownClass(cls):
        cls.fg.stop()

    def conn(self):
        c = http.client.HTTPConnection("127.0.0.1", self.fg.http_port, timeout=10)
        self.addCleanup(c.close)
        return c

    def test_keep_alive_serves_many_requests_on_one_connection(self):
        c = self.conn()
        ports = set()
        for i in range(50):
            c.request("GET", f"/dev/literal?i={i}", headers={"Host": HOST})
            r = c.getresponse()
            body = r.read()
            self.assertEqual(r.status, 200, body)
            self.assertNotEqual((r.getheader("Connection") or "").lower(), "close")
            ports.add(c.sock.getsockname()[1])
        self.assertEqual(len(ports), 1, "every request went over the same TCP connection")

    def test_header_block_at_the_aws_limit_is_served(self):
        c = self.conn()
        # request line + header values: 10240 bytes at most (§1.8); ten values of 1000 bytes
        hdrs = {"Host": HOST}
        hdrs.update({f"X-Pad-{i}": "p" * 1000 for i in range(10)})
        c.request("GET", "/dev/literal", headers=hdrs)
        r = c.getresponse()
        self.assertEqual(r.status, 200, r.read())

    def test_huge_header_block_is_refused_not_hung(self):
        c = self.conn()
        c.request("GET", "/dev/literal", headers={"Host": HOST, "X-Huge": "h" * 200000})
        r = c.getresponse()
        r.read()
        self.assertEqual(r.status, 431)


if __name__ == "__main__":
    unittest.main()

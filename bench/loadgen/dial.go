// dial.go — connections for the load generator: gorilla/websocket's Dialer for the plain
// WebSocket handshake (TCP_NODELAY, SO_LINGER 0 so thousands of short-lived benchmark connections
// leave no TIME_WAIT behind), a hand-written handshake when permessage-deflate with context takeover
// must be offered (gorilla only offers no-context-takeover and rejects a custom extensions header),
// plain TCP for the raw ceiling, and the payloads (ASCII text, random binary, deflated JSON-like text).
package main

import (
	"bytes"
	"compress/flate"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	mrand "math/rand"
	"net"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

type target struct {
	addr    string
	proto   string // "ws" or "raw"
	deflate bool
}

func dialTCP(addr string) (*net.TCPConn, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	tc := c.(*net.TCPConn)
	tc.SetNoDelay(true)
	tc.SetLinger(0)
	return tc, nil
}

var gorillaDialer = websocket.Dialer{
	NetDial:          func(_, a string) (net.Conn, error) { return dialTCP(a) },
	HandshakeTimeout: 5 * time.Second,
	ReadBufferSize:   4096,
	WriteBufferSize:  4096,
}

// open returns a connected stream ready for frames, plus any bytes read past the handshake.
func (t target) open() (net.Conn, []byte, error) {
	switch {
	case t.proto == "raw":
		c, err := dialTCP(t.addr)
		return c, nil, err
	case t.deflate:
		return dialDeflate(t.addr)
	default:
		c, _, err := gorillaDialer.Dial("ws://"+t.addr+"/", nil)
		if err != nil {
			return nil, nil, err
		}
		return c.UnderlyingConn(), nil, nil
	}
}

// dialDeflate offers permessage-deflate the way browsers do (context takeover both ways).
func dialDeflate(addr string) (net.Conn, []byte, error) {
	c, err := dialTCP(addr)
	if err != nil {
		return nil, nil, err
	}
	var k [16]byte
	rand.Read(k[:])
	req := "GET / HTTP/1.1\r\nHost: " + addr + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + base64.StdEncoding.EncodeToString(k[:]) + "\r\nSec-WebSocket-Version: 13\r\n" +
		"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n"
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte(req)); err != nil {
		c.Close()
		return nil, nil, err
	}
	buf := make([]byte, 0, 4096)
	tmp := make([]byte, 4096)
	for !bytes.Contains(buf, []byte("\r\n\r\n")) {
		n, err := c.Read(tmp)
		if err != nil || len(buf) > 16384 {
			c.Close()
			return nil, nil, fmt.Errorf("handshake: %v", err)
		}
		buf = append(buf, tmp[:n]...)
	}
	c.SetDeadline(time.Time{})
	end := bytes.Index(buf, []byte("\r\n\r\n")) + 4
	head := strings.ToLower(string(buf[:end]))
	if !strings.HasPrefix(head, "http/1.1 101") || !strings.Contains(head, "permessage-deflate") {
		c.Close()
		return nil, nil, errors.New("deflate not negotiated: " + strings.SplitN(head, "\r\n", 2)[0])
	}
	return c, append([]byte(nil), buf[end:]...), nil
}

func maskKey() (k [4]byte) {
	rand.Read(k[:])
	return
}

// plainFrames: one client frame of `size` bytes (ASCII letters for text, random bytes for binary).
func plainFrames(size int, text bool, masked bool) [][]byte {
	p := make([]byte, size)
	op := byte(opBinary)
	if text {
		op = opText
		for i := range p {
			p[i] = 'a' + byte(i%26)
		}
	} else {
		rand.Read(p)
	}
	return [][]byte{buildFrame(op, false, p, masked, maskKey())}
}

// jsonDoc builds a JSON-like document of exactly size bytes (records with ids, names, numbers).
func jsonDoc(r *mrand.Rand, size int) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for {
		rec := fmt.Sprintf(`{"id":%d,"user":"user-%06d","email":"u%d@example.com","active":%t,"score":%.3f,"tags":["t%d","t%d"],"ts":"2024-%02d-%02dT%02d:%02d:00Z"}`,
			r.Intn(1e6), r.Intn(1e6), r.Intn(1e5), r.Intn(2) == 1, r.Float64()*1000, r.Intn(50), r.Intn(50),
			1+r.Intn(12), 1+r.Intn(28), r.Intn(24), r.Intn(60))
		if b.Len()+len(rec)+2 > size {
			break
		}
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		b.WriteString(rec)
	}
	for b.Len() < size-1 {
		b.WriteByte(' ')
	}
	b.WriteByte(']')
	return b.Bytes()
}

// deflateFrames: `count` distinct JSON-like text messages, each deflated on its own (valid on a
// context-takeover stream too: it never refers back), RSV1 set, masked.
func deflateFrames(count, size int) [][]byte {
	r := mrand.New(mrand.NewSource(42))
	out := make([][]byte, 0, count)
	for i := 0; i < count; i++ {
		var z bytes.Buffer
		w, _ := flate.NewWriter(&z, flate.DefaultCompression)
		w.Write(jsonDoc(r, size))
		w.Flush()
		p := z.Bytes()
		p = p[:len(p)-4] // strip 00 00 ff ff (RFC 7692 §7.2.1)
		out = append(out, buildFrame(opText, true, p, true, maskKey()))
	}
	return out
}

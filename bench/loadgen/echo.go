// echo.go — "serve" mode: a fast Go echo server for the client-side scenario (E). gorilla's
// Upgrader does the handshake; then each read batch of masked client frames is turned into
// unmasked server frames and written back with one write call, so the server is never the
// bottleneck for a Node client (gorilla's own per-message WriteMessage costs a syscall each).
package main

import (
	"fmt"
	"net"
	"net/http"

	"github.com/gorilla/websocket"
)

func runServe() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	up := websocket.Upgrader{
		ReadBufferSize:  4096,
		WriteBufferSize: 4096,
		CheckOrigin:     func(*http.Request) bool { return true },
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		go echoFrames(c.UnderlyingConn())
	})
	fmt.Printf("READY %d\n", ln.Addr().(*net.TCPAddr).Port)
	return http.Serve(ln, h)
}

func echoFrames(nc net.Conn) {
	defer nc.Close()
	if tc, ok := nc.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
	}
	var u unmasker
	buf := make([]byte, 256<<10)
	out := make([]byte, 0, 256<<10)
	for {
		n, err := nc.Read(buf)
		if err != nil {
			return
		}
		out = u.transform(buf[:n], out[:0])
		if _, err := nc.Write(out); err != nil {
			return
		}
	}
}

// Echo server for silverback's interop tests, on gorilla/websocket (built in GOPATH mode by test/helpers/peers.ts).
// Listens on 127.0.0.1:0 and prints its port; text commands "!close code reason", "!ping b64", "!frag n size"
// make the server close, ping (answering "!pong b64"), or send a fragmented binary message.
package main

import (
	"encoding/base64"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

type message struct {
	kind int
	data []byte
}

// pattern is the payload generator shared by every peer: text 'a'+i%26, binary (i*31+7)%251.
func pattern(kind int, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		if kind == websocket.TextMessage {
			b[i] = byte('a' + i%26)
		} else {
			b[i] = byte((i*31 + 7) % 251)
		}
	}
	return b
}

func serve(upgrader *websocket.Upgrader, w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		log.Printf("upgrade: %v", err)
		return
	}
	defer conn.Close()
	conn.SetReadLimit(32 << 20)
	pongs := make(chan string, 1)
	conn.SetPongHandler(func(s string) error {
		select {
		case pongs <- s:
		default:
		}
		return nil
	})
	// gorilla runs control handlers only inside reads, so one goroutine reads all the time.
	msgs := make(chan message, 1)
	go func() {
		defer close(msgs)
		for {
			kind, data, err := conn.ReadMessage()
			if err != nil {
				log.Printf("read: %v", err)
				return
			}
			msgs <- message{kind, data}
		}
	}()
	for m := range msgs {
		if m.kind == websocket.TextMessage && strings.HasPrefix(string(m.data), "!") {
			if !command(conn, string(m.data), pongs) {
				break
			}
			continue
		}
		if err := conn.WriteMessage(m.kind, m.data); err != nil {
			log.Printf("write: %v", err)
			return
		}
	}
	// Wait until the reader has seen the peer's close frame (or the connection ended).
	for range msgs {
	}
}

// command runs one "!…" command; it returns false once the server has sent its close frame.
func command(conn *websocket.Conn, text string, pongs chan string) bool {
	f := strings.SplitN(text, " ", 3)
	deadline := time.Now().Add(5 * time.Second)
	switch f[0] {
	case "!close":
		code, _ := strconv.Atoi(f[1])
		reason := ""
		if len(f) > 2 {
			reason = f[2]
		}
		if err := conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), deadline); err != nil {
			log.Printf("close: %v", err)
		}
		return false
	case "!ping":
		payload, _ := base64.StdEncoding.DecodeString(f[1])
		if err := conn.WriteControl(websocket.PingMessage, payload, deadline); err != nil {
			log.Printf("ping: %v", err)
			return true
		}
		select {
		case got := <-pongs:
			_ = conn.WriteMessage(websocket.TextMessage, []byte("!pong "+base64.StdEncoding.EncodeToString([]byte(got))))
		case <-time.After(5 * time.Second):
			_ = conn.WriteMessage(websocket.TextMessage, []byte("!pong-timeout"))
		}
	case "!frag":
		n, _ := strconv.Atoi(f[1])
		size, _ := strconv.Atoi(f[2])
		data := pattern(websocket.BinaryMessage, n*size)
		w, err := conn.NextWriter(websocket.BinaryMessage)
		if err != nil {
			log.Printf("frag: %v", err)
			return true
		}
		// A write larger than twice the write buffer goes out as its own frame (gorilla server).
		for i := 0; i < n; i++ {
			_, _ = w.Write(data[i*size : (i+1)*size])
		}
		_ = w.Close()
	}
	return true
}

func main() {
	compress := flag.Bool("compress", false, "enable permessage-deflate (no context takeover)")
	protocols := flag.String("subprotocols", "", "comma-separated subprotocols, server preference order")
	rejectOrigin := flag.String("reject-origin", "", "refuse handshakes with this exact Origin (403)")
	wbuf := flag.Int("wbuf", 4096, "write buffer size")
	flag.Parse()
	log.SetOutput(os.Stderr)
	upgrader := &websocket.Upgrader{
		ReadBufferSize:    4096,
		WriteBufferSize:   *wbuf,
		EnableCompression: *compress,
		HandshakeTimeout:  10 * time.Second,
		CheckOrigin: func(r *http.Request) bool {
			return *rejectOrigin == "" || r.Header.Get("Origin") != *rejectOrigin
		},
	}
	if *protocols != "" {
		upgrader.Subprotocols = strings.Split(*protocols, ",")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ln.Addr().(*net.TCPAddr).Port)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { serve(upgrader, w, r) })
	log.Fatal(http.Serve(ln, handler))
}

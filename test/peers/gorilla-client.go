// Scripted client for silverback's interop tests, on gorilla/websocket (built in GOPATH mode by test/helpers/peers.ts).
// Dials -url, prints {"event":"open",…} or {"event":"error",…}, then runs JSON-line ops from stdin
// (send, recv, ping, close), printing one JSON result line per op.
package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

type op struct {
	Op      string `json:"op"`
	Type    int    `json:"type"`
	B64     string `json:"b64"`
	Gen     int    `json:"gen"`
	Frag    []int  `json:"frag"`
	Code    int    `json:"code"`
	Reason  string `json:"reason"`
	Timeout int    `json:"timeout"`
}

type message struct {
	kind int
	data []byte
}

var out = json.NewEncoder(os.Stdout)

func emit(v map[string]interface{}) { _ = out.Encode(v) }

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

func describe(m message) map[string]interface{} {
	sum := sha256.Sum256(m.data)
	r := map[string]interface{}{"type": m.kind, "len": len(m.data), "sha256": hex.EncodeToString(sum[:])}
	if len(m.data) <= 1024 {
		r["b64"] = base64.StdEncoding.EncodeToString(m.data)
	}
	return r
}

func main() {
	url := flag.String("url", "", "ws:// URL to dial")
	protocols := flag.String("subprotocols", "", "comma-separated subprotocols to offer")
	compress := flag.Bool("compress", false, "offer permessage-deflate")
	origin := flag.String("origin", "", "Origin header")
	wbuf := flag.Int("wbuf", 1024, "write buffer size (frame size of fragmented sends)")
	flag.Parse()

	dialer := websocket.Dialer{HandshakeTimeout: 10 * time.Second, EnableCompression: *compress, WriteBufferSize: *wbuf}
	if *protocols != "" {
		dialer.Subprotocols = strings.Split(*protocols, ",")
	}
	header := http.Header{}
	if *origin != "" {
		header.Set("Origin", *origin)
	}
	conn, resp, err := dialer.Dial(*url, header)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		emit(map[string]interface{}{"event": "error", "error": err.Error(), "status": status})
		os.Exit(2)
	}
	defer conn.Close()
	conn.SetReadLimit(32 << 20)
	emit(map[string]interface{}{"event": "open", "subprotocol": conn.Subprotocol(),
		"extensions": resp.Header.Get("Sec-WebSocket-Extensions")})

	pongs := make(chan string, 1)
	conn.SetPongHandler(func(s string) error {
		select {
		case pongs <- s:
		default:
		}
		return nil
	})
	msgs := make(chan message, 1)
	var readErr error
	go func() {
		defer close(msgs)
		for {
			kind, data, err := conn.ReadMessage()
			if err != nil {
				readErr = err
				return
			}
			msgs <- message{kind, data}
		}
	}()
	closed := func() map[string]interface{} {
		var ce *websocket.CloseError
		if errors.As(readErr, &ce) {
			return map[string]interface{}{"close": map[string]interface{}{"code": ce.Code, "reason": ce.Text}}
		}
		return map[string]interface{}{"error": fmt.Sprint(readErr)}
	}

	dec := json.NewDecoder(os.Stdin)
	for {
		var o op
		if err := dec.Decode(&o); err != nil {
			return
		}
		timeout := 20 * time.Second
		if o.Timeout > 0 {
			timeout = time.Duration(o.Timeout) * time.Millisecond
		}
		switch o.Op {
		case "send":
			data, _ := base64.StdEncoding.DecodeString(o.B64)
			if o.Gen > 0 {
				data = pattern(o.Type, o.Gen)
			}
			if len(o.Frag) > 0 {
				w, err := conn.NextWriter(o.Type)
				if err == nil {
					pos := 0
					for _, n := range o.Frag {
						if _, err = w.Write(data[pos : pos+n]); err != nil {
							break
						}
						pos += n
					}
					if cerr := w.Close(); err == nil {
						err = cerr
					}
				}
				if err != nil {
					emit(map[string]interface{}{"error": err.Error()})
					continue
				}
			} else if err := conn.WriteMessage(o.Type, data); err != nil {
				emit(map[string]interface{}{"error": err.Error()})
				continue
			}
			emit(map[string]interface{}{"ok": true})
		case "recv":
			select {
			case m, ok := <-msgs:
				if !ok {
					emit(closed())
				} else {
					emit(describe(m))
				}
			case <-time.After(timeout):
				emit(map[string]interface{}{"error": "recv timeout"})
			}
		case "ping":
			data, _ := base64.StdEncoding.DecodeString(o.B64)
			if err := conn.WriteControl(websocket.PingMessage, data, time.Now().Add(timeout)); err != nil {
				emit(map[string]interface{}{"error": err.Error()})
				continue
			}
			select {
			case got := <-pongs:
				emit(map[string]interface{}{"pong": base64.StdEncoding.EncodeToString([]byte(got))})
			case <-time.After(timeout):
				emit(map[string]interface{}{"error": "pong timeout"})
			}
		case "close":
			msg := websocket.FormatCloseMessage(o.Code, o.Reason)
			if err := conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(timeout)); err != nil {
				emit(map[string]interface{}{"error": err.Error()})
				continue
			}
			// Discard data until the reader sees the peer's close frame.
			deadline := time.After(timeout)
			timedOut := false
		drain:
			for {
				select {
				case _, ok := <-msgs:
					if !ok {
						break drain
					}
				case <-deadline:
					timedOut = true
					break drain
				}
			}
			if timedOut {
				emit(map[string]interface{}{"error": "close timeout"})
			} else {
				emit(closed())
			}
		default:
			emit(map[string]interface{}{"error": "unknown op " + o.Op})
		}
	}
}

// Package main: silverback's benchmark load generator (see bench/run.ts).
//
// frames.go — WebSocket framing for the generator: building masked client frames once (they are
// then written many at a time, so the generator pays about one syscall per batch, not per
// message) and a streaming frame scanner that counts whole messages in whatever the peer sends
// back (masked or not, split anywhere), plus the in-place echo transform of the fast Go echo server.
package main

import (
	"encoding/binary"
	"errors"
)

const (
	opCont   = 0
	opText   = 1
	opBinary = 2
	opClose  = 8
)

// buildFrame returns one FIN frame; masked frames use key (payload copied, never mutated).
func buildFrame(op byte, rsv1 bool, payload []byte, masked bool, key [4]byte) []byte {
	n := len(payload)
	h := make([]byte, 0, 14+n)
	b0 := 0x80 | op
	if rsv1 {
		b0 |= 0x40
	}
	var m byte
	if masked {
		m = 0x80
	}
	switch {
	case n < 126:
		h = append(h, b0, m|byte(n))
	case n < 65536:
		h = append(h, b0, m|126, byte(n>>8), byte(n))
	default:
		h = append(h, b0, m|127, 0, 0, 0, 0, 0, 0, 0, 0)
		binary.BigEndian.PutUint64(h[len(h)-8:], uint64(n))
	}
	if masked {
		h = append(h, key[:]...)
	}
	start := len(h)
	h = append(h, payload...)
	if masked {
		for i := range payload {
			h[start+i] ^= key[i&3]
		}
	}
	return h
}

// frameRing holds frames back to back so that any run of up to `window` consecutive frames
// starting at index i < len(variants) is one contiguous slice (one write call).
type frameRing struct {
	buf  []byte
	offs []int // offs[k] = start of frame k; len = count+1
	n    int   // number of distinct variants
	next int
}

func newFrameRing(variants [][]byte, window int) *frameRing {
	r := &frameRing{n: len(variants)}
	total := len(variants) + window
	for k := 0; k < total; k++ {
		r.offs = append(r.offs, len(r.buf))
		r.buf = append(r.buf, variants[k%len(variants)]...)
	}
	r.offs = append(r.offs, len(r.buf))
	return r
}

// take returns the bytes of the next k frames (k <= window).
func (r *frameRing) take(k int) []byte {
	i := r.next
	r.next = (i + k) % r.n
	return r.buf[r.offs[i]:r.offs[i+k]]
}

var errPeerClosed = errors.New("peer sent a close frame")

// scanner walks a byte stream of frames without buffering payloads.
type scanner struct {
	hdr      header
	skip     int64 // payload bytes still to pass
	countFin bool  // the current frame ends a data message
	wantLen  int64 // if > 0: every data frame must have this length (uncompressed echo check)
	Msgs     int64
	Bytes    int64 // data payload bytes seen
}

func headerLen(b0, b1 byte) int {
	n := 2
	switch b1 & 0x7f {
	case 126:
		n += 2
	case 127:
		n += 8
	}
	if b1&0x80 != 0 {
		n += 4
	}
	return n
}

// header collects one frame header across reads (used by scanner and unmasker).
type header struct {
	b [14]byte
	n int // bytes collected
}

// collect takes header bytes from b; ok once the whole header is in. Returns the rest of b.
func (h *header) collect(b []byte) ([]byte, bool) {
	need := 2
	if h.n >= 2 {
		need = headerLen(h.b[0], h.b[1])
	}
	for h.n < need && len(b) > 0 {
		h.b[h.n] = b[0]
		h.n++
		b = b[1:]
		if h.n == 2 {
			need = headerLen(h.b[0], h.b[1])
		}
	}
	return b, h.n >= need
}

// payloadLen decodes the 7-, 16- or 64-bit payload length of a complete header.
func (h *header) payloadLen() int64 {
	switch l := h.b[1] & 0x7f; l {
	case 126:
		return int64(binary.BigEndian.Uint16(h.b[2:4]))
	case 127:
		return int64(binary.BigEndian.Uint64(h.b[2:10]))
	default:
		return int64(l)
	}
}

// feed consumes b and returns how many whole data messages ended in it.
func (s *scanner) feed(b []byte) (int, error) {
	done := 0
	for len(b) > 0 {
		if s.skip > 0 {
			k := int64(len(b))
			if k > s.skip {
				k = s.skip
			}
			s.skip -= k
			b = b[k:]
			if s.skip == 0 && s.countFin {
				done++
			}
			continue
		}
		var ok bool
		if b, ok = s.hdr.collect(b); !ok {
			break
		}
		op := s.hdr.b[0] & 0x0f
		fin := s.hdr.b[0]&0x80 != 0
		plen := s.hdr.payloadLen()
		s.hdr.n = 0
		if op == opClose {
			return done, errPeerClosed
		}
		if op < 8 {
			s.Bytes += plen
			if s.wantLen > 0 && fin && op != opCont && plen != s.wantLen {
				return done, errors.New("echo has the wrong length")
			}
		}
		s.countFin = fin && op < 8
		s.skip = plen
		if plen == 0 && s.countFin {
			done++
		}
	}
	s.Msgs += int64(done)
	return done, nil
}

// unmasker turns a stream of masked client frames into unmasked server frames (the Go echo).
type unmasker struct {
	hdr  header
	skip int64
	key  [4]byte
	pos  int // position in the mask key cycle
}

// transform appends the server form of b's frames to out.
func (u *unmasker) transform(b []byte, out []byte) []byte {
	for len(b) > 0 {
		if u.skip > 0 {
			k := int64(len(b))
			if k > u.skip {
				k = u.skip
			}
			start := len(out)
			out = append(out, b[:k]...)
			p := out[start:]
			for i := range p {
				p[i] ^= u.key[(u.pos+i)&3]
			}
			u.pos = (u.pos + int(k)) & 3
			u.skip -= k
			b = b[k:]
			continue
		}
		var ok bool
		if b, ok = u.hdr.collect(b); !ok {
			break
		}
		h := &u.hdr.b
		hl := u.hdr.n
		plen := u.hdr.payloadLen()
		if h[1]&0x80 != 0 {
			hl -= 4
			copy(u.key[:], h[hl:hl+4])
		} else {
			u.key = [4]byte{}
		}
		out = append(out, h[0], h[1]&0x7f)
		out = append(out, h[2:hl]...)
		u.pos, u.skip, u.hdr.n = 0, plen, 0
	}
	return out
}

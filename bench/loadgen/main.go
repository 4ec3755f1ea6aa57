// main.go — command line of the load generator. Every mode has a hard time limit (-maxlife) and
// exits by itself. Output on stdout: "MARK start" / "MARK end" around the measured window, then one
// line "RESULT {json}" with counts, rates and the CPU use (%, of one core) of this process and of
// the watched server process (-watch PID, from /proc), which shows who the bottleneck was.
//
//	loadgen flight    -addr A -proto ws|raw [-deflate] -conns N -inflight K -size B [-text] -warmup D -dur D [-watch PID]
//	loadgen handshake -addr A -proto ws|raw -conns 64 -warmup D -dur D [-watch PID]
//	loadgen idle      -addr A -proto ws|raw [-deflate] -size B     (stdin: open N | msg | quit)
//	loadgen serve     (fast echo server, prints "READY port")
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func cpuSelf() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuOf reads utime+stime of pid from /proc (clock ticks of 10 ms); -1 when unknown.
func cpuOf(pid int) time.Duration {
	if pid <= 0 {
		return -1
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return -1
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+k) * 10 * time.Millisecond
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: loadgen flight|handshake|idle|serve [flags]")
		os.Exit(2)
	}
	mode := os.Args[1]
	fs := flag.NewFlagSet(mode, flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:0", "server address")
	proto := fs.String("proto", "ws", "ws or raw")
	deflate := fs.Bool("deflate", false, "offer permessage-deflate, send deflated JSON-like text")
	conns := fs.Int("conns", 1, "connections (handshake: concurrent dialers)")
	inflight := fs.Int("inflight", 1, "messages in flight per connection")
	size := fs.Int("size", 32, "payload bytes")
	text := fs.Bool("text", false, "text messages")
	warmup := fs.Duration("warmup", 400*time.Millisecond, "unmeasured warm-up")
	dur := fs.Duration("dur", 2*time.Second, "measured window")
	watch := fs.Int("watch", 0, "server pid whose CPU use is reported")
	maxlife := fs.Duration("maxlife", 60*time.Second, "hard exit after this long")
	fs.Parse(os.Args[2:])
	time.AfterFunc(*maxlife, func() { fmt.Fprintln(os.Stderr, "loadgen: maxlife reached"); os.Exit(3) })

	t := target{addr: *addr, proto: *proto, deflate: *deflate}
	switch mode {
	case "serve":
		fail(runServe())
		return
	case "idle":
		fail(runIdle(t, *size))
		return
	}
	c := &counters{}
	stop := make(chan struct{})
	started := make(chan error, 1)
	go func() {
		if mode == "handshake" {
			started <- nil
			runHandshakes(t, *conns, c, stop)
		} else {
			started <- runFlight(t, *conns, *inflight, *size, *text, c, stop)
		}
	}()
	if mode == "flight" {
		// runFlight only returns early on a dial error; otherwise wait the warm-up.
		select {
		case err := <-started:
			fail(err)
		case <-time.After(*warmup):
		}
	} else {
		<-started
		time.Sleep(*warmup)
	}
	m0, b0 := c.snapshot()
	g0, s0, t0 := cpuSelf(), cpuOf(*watch), time.Now()
	fmt.Println("MARK start")
	time.Sleep(*dur)
	m1, b1 := c.snapshot()
	g1, s1, secs := cpuSelf(), cpuOf(*watch), time.Since(t0).Seconds()
	fmt.Println("MARK end")
	close(stop)
	res := map[string]any{
		"mode": mode, "msgs": m1 - m0, "wireBytes": b1 - b0, "secs": secs,
		"rate": float64(m1-m0) / secs, "genCpu": 100 * (g1 - g0).Seconds() / secs, "srvCpu": -1.0,
	}
	if s0 >= 0 && s1 >= 0 {
		res["srvCpu"] = 100 * (s1 - s0).Seconds() / secs
	}
	if err := c.firstErr(); err != nil {
		res["error"] = err.Error()
	}
	j, _ := json.Marshal(res)
	fmt.Printf("RESULT %s\n", j)
	time.Sleep(20 * time.Millisecond)
	os.Exit(0)
}

func fail(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		fmt.Printf("RESULT {\"error\":%q}\n", err.Error())
		os.Exit(1)
	}
}

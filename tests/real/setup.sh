#!/usr/bin/env bash
# Populates the current (empty) directory with deterministic files for the real-program cases.
set -eu
export LC_ALL=C

words=(alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike
       november oscar papa quebec romeo sierra tango uniform victor whiskey xray
       yankee zulu singing ringing walking talking apple banana cherry)
nwords=${#words[@]}

# A small linear congruential generator, so the content is the same on every run.
seed=20240601
next() {
    seed=$(( (seed * 1103515245 + 12345) & 0x7fffffff ))
    r=$(( seed >> 8 ))
}

# words.txt: 3000 lines of words.
{
    for ((i = 1; i <= 3000; i++)); do
        next; a=${words[r % nwords]}
        next; b=${words[r % nwords]}
        next; c=${words[r % nwords]}
        printf '%s %s %s %d\n' "$a" "$b" "$c" "$i"
    done
} >words.txt

# numbers.txt: 2000 integers, one per line.
{
    for ((i = 1; i <= 2000; i++)); do
        next; printf '%d\n' $(( r % 100000 - 20000 ))
    done
} >numbers.txt

# blob.bin: 4096 bytes of binary data (all byte values appear).
fmt=''
for ((i = 0; i < 4096; i++)); do
    next
    printf -v byte '\\x%02x' $(( (r + i) & 255 ))
    fmt+=$byte
done
printf "$fmt" >blob.bin

# A subdirectory tree.
mkdir -p sub/deeper
printf 'one\n' >sub/one.txt
printf 'two\ntwo\n' >sub/two.txt
printf 'three\nthree\nthree\n' >sub/deeper/three.txt

# Modes and a symlink.
printf '#!/bin/sh\necho run\n' >run.sh
chmod 0755 run.sh
printf 'secret\n' >private.txt
chmod 0600 private.txt
ln -s words.txt link-to-words

# Compressed copies made here, for the decompression cases.
gzip -n -c words.txt >archive.txt.gz
xz -c numbers.txt >archive.txt.xz

# SQL script, and a database built from it for the query case.
cat >script.sql <<'SQL'
CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL);
INSERT INTO items (name, qty) VALUES ('apple', 12), ('banana', 5), ('cherry', 40),
    ('date', 7), ('elderberry', 19), ('fig', 3), ('grape', 28);
CREATE INDEX items_qty ON items (qty);
UPDATE items SET qty = qty + 1 WHERE name LIKE '%e%';
DELETE FROM items WHERE qty < 5;
SELECT name, qty FROM items ORDER BY qty DESC;
SELECT count(*), sum(qty) FROM items;
SQL
sqlite3 ref.sqlite <script.sql >/dev/null

# A python script using files, json, hashlib and a seeded random generator.
cat >script.py <<'PY'
# Deterministic python workload: random with a fixed seed, json, hashlib, file and directory operations.
import hashlib
import json
import os
import random

rng = random.Random(12345)
words = open("words.txt").read().split("\n")[:-1]
records = [{"id": i, "value": rng.randint(0, 10**6), "word": rng.choice(words).split()[0]}
           for i in range(300)]
with open("records.json", "w") as f:
    json.dump(records, f, indent=1, sort_keys=True)
with open("records.json", "rb") as f:
    digest = hashlib.sha256(f.read()).hexdigest()
print("records.json sha256", digest)

loaded = json.load(open("records.json"))
assert loaded == records
print("sum of values", sum(r["value"] for r in loaded))
print("distinct words", len({r["word"] for r in loaded}))
print("top words", sorted({r["word"] for r in loaded})[:5])

os.makedirs("pyout/nested", exist_ok=True)
with open("pyout/nested/data.txt", "w") as f:
    for i in range(100):
        f.write("%d %s\n" % (i, hashlib.md5(str(i).encode()).hexdigest()))
os.rename("pyout/nested/data.txt", "pyout/data.txt")
print("pyout holds", sorted(os.listdir("pyout")))
print("size", os.path.getsize("pyout/data.txt"))
shuffled = list(range(20))
rng.shuffle(shuffled)
print("shuffled", shuffled)
PY

# big.txt: 400000 shuffled numbers, enough for sort and xz to start threads.
seq 1 400000 | shuf --random-source=<(yes chorus) >big.txt

# python with threads: a pool, a lock-protected counter, a condition and an event.
cat >threads.py <<'PY'
import concurrent.futures
import hashlib
import threading

lock = threading.Lock()
total = 0

def work(n):
    global total
    digest = hashlib.sha256(str(n).encode()).hexdigest()
    with lock:
        total += n
    return digest[:8]

with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
    results = list(pool.map(work, range(300)))
print("first results", results[:4], "total", total)

items, cond, done = [], threading.Condition(), threading.Event()
def producer():
    for i in range(200):
        with cond:
            items.append(i)
            cond.notify()
    done.set()
def consumer(out):
    while True:
        with cond:
            while not items and not done.is_set():
                cond.wait(0.05)
            if not items and done.is_set():
                return
            if items:
                out.append(items.pop(0))
got = [[], []]
threads = [threading.Thread(target=producer)] + [threading.Thread(target=consumer, args=(g,)) for g in got]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("consumed", len(got[0]) + len(got[1]), "sum", sum(got[0]) + sum(got[1]))
PY

# Fixed timestamps on everything, so archives that record times come out the same.
find . -exec touch -h -d @1500000000 {} +

# A shell script: pipelines, subshells, command substitution, trap, background jobs, wait.
cat >script.sh <<'SH'
trap 'echo "trapped USR1"' USR1
(sleep 0.2; echo "background one") &
(sleep 0.1; echo "background two") &
wait
kill -USR1 $$
words=$(echo a b c | wc -w)
echo "words: $words"
( cd sub && ls | sort )
seq 1000 | grep 7 | tail -2
for i in 1 2 3; do echo "line $i"; done > loop.txt
echo "status of false: $(false; echo $?)"
SH

# python with subprocess
cat >spawn.py <<'PY'
import subprocess
out = subprocess.run(["sort", "-r"], input="a\nb\nc\n", capture_output=True, text=True)
print(out.stdout.strip().split())
print(subprocess.call(["sh", "-c", "exit 5"]))
PY

# multiprocessing: processes and a queue (a pipe, a lock and a semaphore
# in shared memory), one with a 2 MiB message (more than the pipe holds);
# and a pool, whose workers race for one lock.
cat >mp_queue.py <<'PY'
import multiprocessing as mp
def work(q, n):
    q.put(sum(range(n)))
if __name__ == '__main__':
    q = mp.Queue()
    ps = [mp.Process(target=work, args=(q, n)) for n in (10, 100, 1000)]
    for p in ps:
        p.start()
    print(sorted(q.get() for _ in ps))
    for p in ps:
        p.join()
    print([p.exitcode for p in ps])
PY
cat >mp_big.py <<'PY'
import multiprocessing as mp
def work(q):
    q.put(bytes(range(256)) * 8192)
if __name__ == '__main__':
    q = mp.Queue()
    p = mp.Process(target=work, args=(q,))
    p.start()
    print(len(q.get()))
    p.join()
    print(p.exitcode)
PY
cat >mp_pool.py <<'PY'
import multiprocessing as mp
def square(x):
    return x * x
if __name__ == '__main__':
    with mp.Pool(2) as pool:
        print(sum(pool.map(square, range(100))))
PY

# memcached with four worker threads on a unix socket, and eight client
# threads, each with its own connection, setting and reading keys.
cat >mc_clients.py <<'PY'
import os, socket, subprocess, threading, time
args = ["memcached", "-s", "mc.sock", "-t", "4", "-A"] + (["-u", "root"] if os.geteuid() == 0 else [])
server = subprocess.Popen(args)
for _ in range(1000):  # until it listens: the name is there from bind()
    try:
        with socket.socket(socket.AF_UNIX) as probe:
            probe.connect("mc.sock")
        break
    except (FileNotFoundError, ConnectionRefusedError):
        time.sleep(0.01)
def talk(s, f, line, data=None):
    s.sendall(line + b"\r\n" + (data + b"\r\n" if data is not None else b""))
    return f.readline()
results = {}
def client(i):
    s = socket.socket(socket.AF_UNIX)
    s.connect("mc.sock")
    f = s.makefile("rb")
    stored = found = 0
    for j in range(100):
        key = b"k%d_%d" % (i, j)
        stored += talk(s, f, b"set %s 0 0 %d" % (key, len(key)), key) == b"STORED\r\n"
        if talk(s, f, b"get " + key).startswith(b"VALUE") and f.readline() == key + b"\r\n" and f.readline() == b"END\r\n":
            found += 1
        talk(s, f, b"incr counter 1")
    results[i] = (stored, found)
    s.close()
s = socket.socket(socket.AF_UNIX)
s.connect("mc.sock")
f = s.makefile("rb")
print(talk(s, f, b"set counter 0 0 1", b"0"))
threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sorted(results.items()))
print(talk(s, f, b"get counter"), f.readline())
talk(s, f, b"shutdown")
print("server exit", server.wait())
PY

# redis with its background threads (UNLINK frees a big set in one) on a
# unix socket, and eight client threads, each with its own connection.
cat >redis_clients.py <<'PY'
import os, socket, subprocess, threading, time
# jemalloc's background thread (on, as redis sets it) is woken after
# counts of allocations drawn from the address of each thread's data: at
# different points in each variant.
server = subprocess.Popen(["redis-server", "--port", "0", "--unixsocket", "redis.sock", "--save", "",
                           "--appendonly", "no", "--logfile", "/dev/null", "--io-threads", "1"])
for _ in range(1000):  # until it listens: the name is there from bind()
    try:
        with socket.socket(socket.AF_UNIX) as probe:
            probe.connect("redis.sock")
        break
    except (FileNotFoundError, ConnectionRefusedError):
        time.sleep(0.01)
def command(f, s, *words):
    s.sendall(b"*%d\r\n" % len(words) + b"".join(b"$%d\r\n%s\r\n" % (len(w), w) for w in words))
    line = f.readline()
    if line[:1] == b"$" and int(line[1:]) >= 0:
        return f.readline()[:-2]
    return line[:-2]
def connect():
    s = socket.socket(socket.AF_UNIX)
    s.connect("redis.sock")
    return s, s.makefile("rb")
results = {}
def client(i):
    s, f = connect()
    ok = 0
    for j in range(60):
        key = b"k%d_%d" % (i, j)
        ok += command(f, s, b"SET", key, key * 3) == b"+OK"
        ok += command(f, s, b"GET", key) == key * 3
        command(f, s, b"INCR", b"counter")
        command(f, s, b"RPUSH", b"list", key)
        if j % 10 == 0:
            command(f, s, b"UNLINK", b"big%d" % i)  # freed by a background thread
            command(f, s, b"SADD", b"big%d" % i, *[b"m%d" % m for m in range(100)])
    results[i] = ok
    s.close()
threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
s, f = connect()
print(sorted(results.items()))
print(command(f, s, b"GET", b"counter"), command(f, s, b"LLEN", b"list"), command(f, s, b"DBSIZE"))
command(f, s, b"SHUTDOWN", b"NOSAVE")
print("server exit", server.wait())
PY

# python's ThreadingHTTPServer on a loopback port, and eight client threads.
cat >http_threads.py <<'PY'
import http.server, threading, urllib.request
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
serving = threading.Thread(target=server.serve_forever)
serving.start()
got = {}
def fetch(i):
    name = ["words.txt", "numbers.txt", "blob.bin", "sub/one.txt"][i % 4]
    with urllib.request.urlopen("http://127.0.0.1:%d/%s" % (server.server_address[1], name)) as r:
        got[i] = (name, r.status, len(r.read()))
clients = [threading.Thread(target=fetch, args=(i,)) for i in range(8)]
for c in clients:
    c.start()
for c in clients:
    c.join()
print(sorted(got.items()))
server.shutdown()
serving.join()
print("served")
PY

# nginx (a master and two workers, which keep pointers in their epoll
# registrations) on a unix socket, and six client threads.
cat >nginx_clients.py <<'PY'
import os, shutil, signal, socket, subprocess, tempfile, threading, time
# nginx, a master and two worker processes, on a unix socket; its pid file,
# logs and temporary files go to a directory of their own, removed at the end.
run = tempfile.mkdtemp(prefix="nginx-")
sock = os.path.join(run, "http.sock")
with open(os.path.join(run, "nginx.conf"), "w") as f:
    f.write("""daemon off; master_process on; worker_processes 2;
error_log %(run)s/error.log; pid %(run)s/nginx.pid;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path %(run)s/body; proxy_temp_path %(run)s/proxy;
  fastcgi_temp_path %(run)s/fastcgi; uwsgi_temp_path %(run)s/uwsgi; scgi_temp_path %(run)s/scgi;
  server { listen unix:%(sock)s; root %(root)s; }
}
""" % {"run": run, "sock": sock, "root": os.getcwd()})
server = subprocess.Popen(["/usr/sbin/nginx", "-p", run, "-c", os.path.join(run, "nginx.conf")])
for _ in range(1000):  # until it listens: the name is there from bind()
    try:
        with socket.socket(socket.AF_UNIX) as probe:
            probe.connect(sock)
        break
    except (FileNotFoundError, ConnectionRefusedError):
        time.sleep(0.01)
def get(path):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock)
    s.sendall(b"GET /%s HTTP/1.0\r\n\r\n" % path.encode())
    reply = b""
    while True:
        part = s.recv(65536)
        if not part:
            break
        reply += part
    s.close()
    head, _, body = reply.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0].decode(), len(body)
results = {}
def client(i):
    results[i] = [get(name) for name in ("words.txt", "numbers.txt", "blob.bin", "missing")]
threads = [threading.Thread(target=client, args=(i,)) for i in range(6)]
for t in threads:
    t.start()
for t in threads:
    t.join()
for i in sorted(results):
    print(i, results[i])
server.send_signal(signal.SIGQUIT)
print("nginx exit", server.wait())
shutil.rmtree(run)
PY

# Java with a thread pool and a parallel stream, compiled here (the JVM
# places its heap at an address it asks for, and checks it got it).
cat >Threads.java <<'JAVA'
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/* A thread pool, an atomic counter, a concurrent map and a file, in the JVM with its own threads (its collector's too). */
public class Threads {
    public static void main(String[] args) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicLong sum = new AtomicLong();
        List<Future<Long>> parts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            final int n = i;
            parts.add(pool.submit(() -> {
                long s = 0;
                List<int[]> kept = new ArrayList<>();
                for (int j = 0; j < 100000; j++) {
                    int[] garbage = new int[16 + j % 64]; /* work for the collector's threads */
                    garbage[0] = (int) ((long) j * n % 7);
                    s += garbage[0];
                    if (j % 1000 == 0)
                        kept.add(garbage);
                }
                sum.addAndGet(s);
                return s + kept.size() - kept.size();
            }));
        }
        long total = 0;
        for (Future<Long> f : parts)
            total += f.get();
        pool.shutdown();
        ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();
        List<String> lines = Files.readAllLines(Path.of("words.txt"));
        lines.parallelStream().forEach(l -> counts.merge(l.split(" ")[0], 1, Integer::sum));
        Files.writeString(Path.of("java-out.txt"), new TreeMap<>(counts).toString() + "\n");
        System.out.println("total " + total + " " + sum.get() + ", " + lines.size() + " lines, " + counts.size() + " first words");
    }
}
JAVA
if command -v javac >/dev/null; then javac -d . Threads.java; fi

cat >asyncio_mix.py <<'PY'
import asyncio, hashlib
# asyncio: the default executor's threads, a subprocess, a TCP server and client on loopback.
async def handle(reader, writer):
    writer.write(b"pong " + await reader.readline())
    await writer.drain()
    writer.close()
async def main():
    loop = asyncio.get_running_loop()
    digests = await asyncio.gather(*[loop.run_in_executor(None, lambda i=i: hashlib.sha256(b"x" * (i * 1000)).hexdigest()[:8]) for i in range(8)])
    proc = await asyncio.create_subprocess_exec("wc", "-l", "words.txt", stdout=asyncio.subprocess.PIPE)
    out, _ = await proc.communicate()
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    reader, writer = await asyncio.open_connection(*server.sockets[0].getsockname()[:2])
    writer.write(b"ping\n")
    await writer.drain()
    print(digests, out.decode().strip(), await reader.readline())
    writer.close()
    server.close()
    await server.wait_closed()
asyncio.run(main())
PY

# A small C project, built with make -j2 and gcc.
mkdir -p proj
for i in 1 2 3 4; do printf 'int f%d(int x) { return x * %d + 1; }\n' "$i" "$i" >"proj/f$i.c"; done
cat >proj/main.c <<'C'
#include <stdio.h>
int f1(int), f2(int), f3(int), f4(int);
int main(void) { printf("%d\n", f1(1) + f2(2) + f3(3) + f4(4)); return 0; }
C
printf 'prog: main.o f1.o f2.o f3.o f4.o\n\tgcc -o $@ $^\n%%.o: %%.c\n\tgcc -O2 -c -o $@ $<\n' >proj/Makefile

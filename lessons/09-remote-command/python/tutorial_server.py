# 第 09 课教程版服务端（Python），照教程 004 的 9.19 节第 2 个程序写：收一条命令，运行它，把输出发回去。
# 和教程不同的地方只有运行命令的那几行，见下面 ALLOWED 的注释。
import socket
import subprocess
import sys

# 教程用 Popen(cmd, shell=True)：整行交给 shell，连上来的人能在这台机器上做任何事。
# 这里不经过 shell：按空白切成词，直接运行第一个词；只是不经过 shell 还不够（rm -rf、sh -c 照样能运行），
# 所以只运行这几个只打印东西的程序，而且只在 /usr/bin 和 /bin 里找它们。
ALLOWED = ["echo", "pwd", "uname", "whoami", "seq", "sleep"]
NO_SPIN = 3  # 对方走后 recv 一直返回 b''：教程的程序会一直空转下去，这里数到 3 次就停

port = int(sys.argv[1]) if len(sys.argv) > 1 else 8879
ip_port = ("127.0.0.1", port)
sk = socket.socket()
sk.bind(ip_port)
sk.listen(5)
print("%s:%d" % sk.getsockname())
print("服务端启动...")
while True:
    conn, address = sk.accept()
    empty = 0
    while True:
        try:
            client_data = conn.recv(1024)
        except Exception:
            break
        empty = empty + 1 if len(client_data) == 0 else 0
        if empty == NO_SPIN:
            print("连续 %d 次收到 0 字节：对方已经不再发送，教程的程序会一直空转，这里停下" % NO_SPIN)
            break
        print(str(client_data, "utf8", "replace"))
        print("waiting...")
        cmd = str(client_data, "utf8", "replace").strip()
        words = cmd.split()
        cmd_result = b""
        if words and words[0] in ALLOWED:
            cmd_call = subprocess.Popen(words, stdout=subprocess.PIPE, env={"PATH": "/usr/bin:/bin"})
            cmd_result = cmd_call.stdout.read()
        if len(cmd_result) == 0:
            cmd_result = b"no output!"
        conn.sendall(cmd_result)
        print("send data size", len(cmd_result))
        print("******************")
        print("******************")
        print("******************")
    conn.close()

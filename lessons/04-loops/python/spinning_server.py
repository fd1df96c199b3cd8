# 第 04 课：反面教材——教程 1.5 节那种“只在有数据时处理”的循环。不要这样写。
# 运行它，用 nc 连上再断开，然后看 top：这个进程占满了一个 CPU 核。
import socket
import threading


# ANCHOR: spin
def serve(conn, addr):
    print("客户端 %s:%d 连上了" % addr, flush=True)
    while True:
        data = conn.recv(1024)
        if data != b"":
            conn.sendall(data)  # 有数据：原样发回去
        # 没有 else：对方关闭后 recv 每次都立刻返回 b''，
        # 这里什么也不做，回到 while True 再读——永远转下去。
# ANCHOR_END: spin


# ANCHOR: fixed
def serve_fixed(conn, addr):
    while True:
        data = conn.recv(1024)
        if not data:  # b''：对方关闭了连接，离开循环
            break
        conn.sendall(data)
    conn.close()
    print("客户端 %s:%d 断开了连接" % addr, flush=True)
# ANCHOR_END: fixed


server = socket.create_server(("127.0.0.1", 8888))
print("服务端 正在监听 %s:%d" % server.getsockname()[:2], flush=True)
while True:
    conn, addr = server.accept()
    threading.Thread(target=serve, args=(conn, addr), daemon=True).start()

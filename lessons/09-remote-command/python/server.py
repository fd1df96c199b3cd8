# 第 09 课：远程执行命令的服务端（Python 版）。和 l09-server 说同一种协议：
# 每条消息前面是 4 字节大端长度（struct.pack(">I", n)）。
# 和教程不同，这里默认不经过 shell：shlex.split 切词，只运行审过的程序，参数也要审过。
import argparse
import os
import re
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading

# ANCHOR: answer
# 审过的程序和它们能带的参数（和 Rust 版的 VETTED 一样）。None 表示任何参数都行：
# 这些程序没有读写文件、运行别的程序的选项。date 另外接受 +格式，sleep 只接受时长。
VETTED = {
    "echo": None, "printf": None, "seq": None, "yes": None, "true": None, "false": None,
    "pwd": {"-L", "-P"}, "whoami": set(), "nproc": set(),
    "uname": {"-a", "-s", "-n", "-r", "-v", "-m", "-p", "-i", "-o"},
    "date": {"-u", "--utc", "-R", "-I", "--iso-8601"},
    "sleep": set(),
}
DEFAULT_ALLOWED = ["echo", "pwd", "uname", "whoami"]
FIXED_PATH = "/usr/bin:/bin"  # 不看用户的 PATH，也不看当前目录
MAX_COMMAND = 64 * 1024


def arg_ok(program, arg):
    if program == "date" and arg.startswith("+"):
        return True
    if program == "sleep":
        return re.fullmatch(r"(\d+\.?\d*|\.\d+)[smhd]?", arg) is not None
    rule = VETTED[program]
    return rule is None or arg in rule


def resolve_allowed(names):
    """启动时把允许的程序在固定的 PATH 里找成绝对路径；不在审过的表里就拒绝启动。"""
    paths = {}
    for name in names:
        path = shutil.which(name, path=FIXED_PATH) if name in VETTED else None
        if path is None:
            sys.exit("错误：--allow %s：只有审过的程序才能允许（%s），而且要在 %s 里找得到"
                     % (name, " ".join(VETTED), FIXED_PATH))
        paths[name] = path
    return paths


def answer(data, allowed, time_limit, max_output):
    try:
        line = data.decode("utf-8").strip()
    except UnicodeDecodeError:
        return "error: 命令不是合法的 UTF-8 文本".encode()
    if not line:
        return "error: 命令是空的".encode()
    try:
        # 和 Rust 版的切词规则略有不同：shlex 还认反斜杠转义。
        argv = shlex.split(line)
    except ValueError:
        return "error: 引号没有闭合".encode()
    program = argv[0]
    if "/" in program:
        return ("error: 不接受带路径的程序名 %r" % program).encode()
    if program not in allowed:
        how = ("需要的话加 --allow %s" % program if program in VETTED
               else "%s 不在审过的程序表里，不能加进允许列表" % program)
        return ("error: 不允许运行 %s，%s" % (program, how)).encode()
    bad = [a for a in argv[1:] if not arg_ok(program, a)]
    if bad:
        return ("error: %s 不接受参数 %r" % (program, bad[0])).encode()
    try:
        # 没有 shell=True；运行启动时找好的那个文件（executable），PATH 也换成固定的；
        # start_new_session 让它自成一个进程组，超时时整组杀掉。
        proc = subprocess.Popen(argv, executable=allowed[program], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=dict(os.environ, PATH=FIXED_PATH), start_new_session=True)
    except FileNotFoundError:
        return ("error: 找不到程序 %s" % program).encode()
    try:
        # communicate 同时读标准输出和标准错误，不会因为一个管道写满而死锁。
        out, err = proc.communicate(timeout=time_limit)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return ("error: 命令超过了时间限制 %d 毫秒" % (time_limit * 1000)).encode()
    # communicate 会先把输出全部读进内存，上限只能事后截断；Rust 版边读边丢。
    result = (out + err)[:max_output]
    if not result:
        return b"no output!" if proc.returncode == 0 else (
            "error: 命令以退出码 %d 结束，没有输出" % proc.returncode).encode()
    return result
# ANCHOR_END: answer


# ANCHOR: frames
def recv_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def read_frame(conn, max_len):
    header = recv_exact(conn, 4)
    if header is None:
        return None
    (length,) = struct.unpack(">I", header)
    if length > max_len:
        raise ValueError("帧太大：%d 字节" % length)
    body = recv_exact(conn, length)
    if body is None:
        raise ConnectionError("连接在消息中途关闭")
    return body


def write_frame(conn, payload):
    conn.sendall(struct.pack(">I", len(payload)) + payload)
# ANCHOR_END: frames


def serve(conn, addr, args, allowed):
    peer = "%s:%d" % addr[:2]
    print(peer, "连上了", flush=True)
    conn.settimeout(60)
    try:
        while True:
            data = read_frame(conn, MAX_COMMAND)
            if data is None:
                break
            reply = answer(data, allowed, args.time_limit_ms / 1000, args.max_output)
            write_frame(conn, reply)
            print(peer, "send data size", len(reply), flush=True)
    except (OSError, ValueError) as e:
        print(peer, "连接出错：", e, flush=True)
    finally:
        conn.close()
    print(peer, "离开了", flush=True)


def main():
    parser = argparse.ArgumentParser(description="远程执行命令的服务端（Python 版）")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8879)
    parser.add_argument("--allow", action="append", default=[])
    parser.add_argument("--time-limit-ms", type=int, default=5000)
    parser.add_argument("--max-output", type=int, default=1024 * 1024)
    args = parser.parse_args()
    allowed = resolve_allowed(DEFAULT_ALLOWED + args.allow)
    sk = socket.socket()
    sk.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sk.bind((args.host, args.port))
    sk.listen(5)
    print("服务端 正在监听 %s:%d" % sk.getsockname()[:2], flush=True)
    while True:
        conn, addr = sk.accept()
        threading.Thread(target=serve, args=(conn, addr, args, allowed), daemon=True).start()


if __name__ == "__main__":
    main()

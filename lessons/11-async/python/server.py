# 第 11 课：异步服务端（Python asyncio 版），协议与 l11-server、l04-threaded-server 相同：
# 连上先收到 b"Welcome!"，之后每次读到的名字回复 b"Hello, 名字!"，名字是 exit 或对方断开时结束。
# 和 Rust 版一样：一个线程，每个连接一个任务；连接上限用 Semaphore，每次读都有期限，
# Ctrl-C 时不再接受新连接，最多再等 --drain 秒让正在进行的连接说完，然后退出码 0。
import argparse
import asyncio
import signal


# ANCHOR: handle
async def handle(reader, writer, delay, idle):
    addr = writer.get_extra_info("peername")[:2]
    print("接受来自 %s:%d 的新连接……" % addr, flush=True)
    count = 0
    try:
        writer.write(b"Welcome!")
        await writer.drain()
        while True:
            data = await asyncio.wait_for(reader.read(1024), idle)
            if not data:
                break
            data = data.removesuffix(b"\n").removesuffix(b"\r")
            name = data.decode("utf-8", errors="replace")
            if name == "exit":
                break
            count += 1
            await asyncio.sleep(delay)  # time.sleep(delay) 会让所有连接一起停下
            writer.write(("Hello, %s!" % name).encode("utf-8"))
            await writer.drain()
        print("来自 %s:%d 的连接已关闭（%d 条消息）。" % (addr[0], addr[1], count), flush=True)
    except (OSError, asyncio.TimeoutError) as e:
        print("和 %s:%d 的连接出错（%r），关闭。" % (addr[0], addr[1], e), flush=True)
    finally:
        writer.close()
# ANCHOR_END: handle


# ANCHOR: main
async def main(args):
    permits = asyncio.Semaphore(args.max_connections)
    tasks = set()

    async def on_connect(reader, writer):
        if permits.locked():  # 名额用完了：说一句就关，不排队
            writer.write(("服务端忙：已经在服务 %d 个连接，请稍后再试" % args.max_connections).encode())
            writer.close()
            return
        async with permits:  # 任务结束时（包括出错、被取消）归还名额
            task = asyncio.current_task()
            tasks.add(task)
            try:
                await handle(reader, writer, args.delay_ms / 1000, args.idle_timeout)
            finally:
                tasks.discard(task)

    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGINT, stop.set)
    # 积压队列 1024 条，和 Rust 版的 support::bind 一样（asyncio 默认只有 100）。
    server = await asyncio.start_server(on_connect, args.host, args.port, backlog=1024)
    print("Python 异步服务端 正在监听 %s:%d" % server.sockets[0].getsockname()[:2], flush=True)
    await stop.wait()
    print("收到 Ctrl-C，开始关闭", flush=True)
    server.close()  # 不再接受新连接
    print("不再接受新连接；还有 %d 个连接在进行，最多等它们 %d 秒" % (len(tasks), args.drain), flush=True)
    if tasks:
        done, pending = await asyncio.wait(set(tasks), timeout=args.drain)
        for task in pending:
            task.cancel()
    print("服务端退出", flush=True)
# ANCHOR_END: main


parser = argparse.ArgumentParser(description="异步服务端（asyncio）")
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=9999)
parser.add_argument("--delay-ms", type=int, default=0)
parser.add_argument("--idle-timeout", type=int, default=30)
parser.add_argument("--max-connections", type=int, default=64)
parser.add_argument("--drain", type=int, default=10)
asyncio.run(main(parser.parse_args()))

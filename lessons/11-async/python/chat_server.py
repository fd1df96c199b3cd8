# 第 11 课：聊天室（Python asyncio 版），和 l11-chat-server、l04-chat-server 一样：一行一条消息，
# 转发给其他所有人。每个成员一个有界队列（asyncio.Queue）和一个发送任务：转发只 put_nowait，
# 不等谁；一个不读消息的成员队列满了，就被请出聊天室，卡不住别人。
import argparse
import asyncio
import signal

QUEUE = 64
members = {}  # 名字 -> 队列
next_id = 0


def broadcast(line, except_name=None):
    for name, queue in list(members.items()):
        if name == except_name:
            continue
        try:
            queue.put_nowait(line)
        except asyncio.QueueFull:
            del members[name]
            queue.kicked = True
            broadcast("%s 跟不上了：积压了 %d 条消息没有读，已请它离开聊天室\n" % (name, QUEUE))


async def deliver(writer, queue):
    while True:
        line = await queue.get()
        if line is None:
            break
        writer.write(line.encode("utf-8"))
        await writer.drain()


async def member(reader, writer):
    global next_id
    next_id += 1
    name = "用户%d" % next_id
    queue = asyncio.Queue(QUEUE)
    queue.kicked = False
    queue.put_nowait("欢迎来到聊天室，你是 %s，现在在线 %d 人\n" % (name, len(members) + 1))
    broadcast("%s 加入了聊天室\n" % name)
    members[name] = queue
    sender = asyncio.create_task(deliver(writer, queue))
    print("%s 加入了聊天室" % name, flush=True)
    try:
        while not queue.kicked:
            line = await reader.readline()
            if not line:
                break
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            if text.strip():
                broadcast("%s：%s\n" % (name, text), name)
    except (OSError, ValueError):
        pass
    members.pop(name, None)
    broadcast("%s 离开了聊天室\n" % name)
    sender.cancel()
    writer.close()
    print("%s 离开了聊天室" % name, flush=True)


async def main(args):
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGINT, stop.set)
    # 积压队列 1024 条，和 Rust 版的 support::bind 一样（asyncio 默认只有 100）。
    server = await asyncio.start_server(member, args.host, args.port, backlog=1024)
    print("Python 异步聊天服务端 正在监听 %s:%d" % server.sockets[0].getsockname()[:2], flush=True)
    await stop.wait()
    server.close()
    print("收到 Ctrl-C，服务端退出", flush=True)


parser = argparse.ArgumentParser(description="聊天室（asyncio）")
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=12345)
asyncio.run(main(parser.parse_args()))

# 第 01 课：全局的 running 标志让工作线程停下（Python 版），输出与 l01-stop-flag 相同。
import queue
import threading

running = True
# 只放得下一条汇报：工人要等主线程取走上一条，才能放下一条。
reports = queue.Queue(maxsize=1)


def work():
    rounds = 0
    while running:
        rounds += 1
        reports.put(rounds)
    # 告诉主线程“我停下了”，相当于 Rust 里发送端被丢弃、通道关闭。
    reports.put(None)


worker = threading.Thread(target=work, name="工人")
worker.start()
for _ in range(3):
    print("主线程：收到工人第 %d 轮的汇报" % reports.get())
print("主线程：把 running 设为 false，通知工人停下")
running = False
# 工人可能正等着放下一轮汇报：把汇报收完，它才能回到循环开头、看到 running 已经是 False。
while reports.get() is not None:
    pass
worker.join()
print("主线程：工人已经停下")

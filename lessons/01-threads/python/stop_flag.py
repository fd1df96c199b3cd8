# 第 01 课：全局的 running 标志让工作线程停下（Python 版），输出与 l01-stop-flag 相同。
import queue
import threading

running = True
reports = queue.Queue(maxsize=1)


def work():
    rounds = 0
    while running:
        rounds += 1
        try:
            reports.put(rounds, timeout=1)
        except queue.Full:
            break


worker = threading.Thread(target=work, name="工人")
worker.start()
for _ in range(3):
    print("主线程：收到工人第 %d 轮的汇报" % reports.get())
print("主线程：把 running 设为 false，通知工人停下")
running = False
# 工人可能正在等着放下一轮汇报：取走它，让它看到 running 已经是 False。
try:
    reports.get(timeout=1)
except queue.Empty:
    pass
worker.join()
print("主线程：工人已经停下")

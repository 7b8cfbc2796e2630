"""OpenCV Haar cascade face counts (the prototype's method), for the quality benchmark.

Reads image paths from argv (EXIF orientation applied by imread), resizes each to 640 px on the longest side, runs
haarcascade_frontalface_default (scaleFactor 1.1, minNeighbors 5) and prints JSON.
"""
import json
import os
import sys
import time

try:
    import cv2
except ImportError:
    print(json.dumps({"error": "python3-opencv is not installed (apt-get install python3-opencv opencv-data)"}))
    sys.exit(0)

CANDIDATES = [
    "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml",
    "/usr/share/opencv/haarcascades/haarcascade_frontalface_default.xml",
]
if hasattr(cv2, "data"):
    CANDIDATES.insert(0, os.path.join(cv2.data.haarcascades, "haarcascade_frontalface_default.xml"))
path = next((p for p in CANDIDATES if os.path.exists(p)), None)
if path is None:
    print(json.dumps({"error": "haarcascade_frontalface_default.xml not found (apt-get install opencv-data)"}))
    sys.exit(0)
cv2.setNumThreads(2)
cascade = cv2.CascadeClassifier(path)
counts = []
start = time.perf_counter()  # decode + resize + detect, like the TypeScript side
cpu_start = time.process_time()
for name in sys.argv[1:]:
    img = cv2.imread(name, cv2.IMREAD_COLOR)
    if img is None:
        counts.append(0)
        continue
    h, w = img.shape[:2]
    scale = 640.0 / max(h, w)
    if scale < 1:
        img = cv2.resize(img, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    faces = cascade.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=5)
    counts.append(int(len(faces)))
seconds = time.perf_counter() - start
cpu_seconds = time.process_time() - cpu_start
print(json.dumps({"counts": counts, "seconds": seconds, "cpu_seconds": cpu_seconds, "threads": 2, "opencv": cv2.__version__, "cascade": path}))

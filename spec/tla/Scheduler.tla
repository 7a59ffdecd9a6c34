------------------------------ MODULE Scheduler ------------------------------
(***************************************************************************)
(* The work-balancing scheduler's protocol, as built in io.smolscale.impl. *)
(*                                                                         *)
(* Workers own bounded local queues; outside submissions go to one global  *)
(* queue; idle workers park in the IdleSet; a searching count suppresses   *)
(* redundant wake-ups (Tokio's "searching" protocol); a worker going idle  *)
(* publishes its idleness and then re-checks the global queue before it    *)
(* parks (Dekker-style publish-then-recheck, as in Kotlin's                *)
(* CoroutineScheduler); a balancer moves work out of stalled workers and   *)
(* preempts blocked ones, whose replacement is bounded by a thread cap.    *)
(*                                                                         *)
(* Each action is one atomic step of the implementation: a queue operation *)
(* under its lock, an atomic read-modify-write of a counter, or a short    *)
(* sequence of the owner's private work.  spec/MODEL.md maps every         *)
(* variable and action to the class and method that implement it.         *)
(*                                                                         *)
(* Starting a worker thread can fail (the thread factory throws or        *)
(* returns null, or Thread.start cannot make a native thread), at most     *)
(* MaxStartFailures times; then the failed starter wakes a sleeper if work *)
(* waits, and the balancer thread, which otherwise lives only while worker *)
(* threads exist, stays alive and retries the start.                       *)
(*                                                                         *)
(* The constant Bug plants one known protocol bug (negative controls, see  *)
(* the Bug_*.cfg files); Bug = "none" is the protocol as built.            *)
(***************************************************************************)
EXTENDS Integers, Sequences, FiniteSets

CONSTANTS
    NSlots,         \* worker thread slots; a retired thread's slot is reused by a later start
    NTasks,         \* tasks, submitted from outside or spawned by running tasks
    MaxThreads,     \* the thread cap (config maxThreads)
    Parallelism,    \* workers counted towards parallelism (config parallelism)
    LocalCap,       \* capacity of a local queue (LocalQueue.DEFAULT_CAPACITY in the code)
    ShareThreshold, \* local backlog that is shared (Pool.SHARE_THRESHOLD)
    MaxBlocking,    \* how many tasks may block (each at most once): bounds the state space
    MaxStartFailures, \* how many worker starts may fail in a behaviour: bounds the state space
    LateStartFailure, \* whether a start may also fail in Thread.start(), after the new worker
                      \* was counted as searching (else only the thread factory fails)
    Bug             \* "none", or the planted bug of a negative control

Bugs == {"none", "ParkNoRecheck", "RetireNoDrain", "WakeByPermit",
         "NoThreadCap", "DrainBlockedOnce", "SpinLeavesCount",
         "NoRetryAfterFailedStart", "BalancerExitNoRecheck", "LateStartFailNoWake"}

ASSUME /\ Parallelism \in Nat \ {0}
       /\ MaxThreads \in Nat /\ MaxThreads >= Parallelism
       /\ NSlots \in Nat /\ NSlots >= MaxThreads
       /\ NTasks \in Nat \ {0}
       /\ LocalCap \in Nat \ {0}
       /\ ShareThreshold \in Nat \ {0}
       /\ MaxBlocking \in 0..NTasks
       /\ MaxStartFailures \in Nat
       /\ LateStartFailure \in BOOLEAN
       /\ Bug \in Bugs

Slots  == 1..NSlots
Tasks  == 1..NTasks
NoTask == 0

(***************************************************************************)
(* Worker program counter (Worker.run, Worker.idle, Blocking, Lifecycle):  *)
(*   "off"    no thread in this slot                                       *)
(*   "find"   Worker.findTask                                              *)
(*   "chain"  found a task as the last searcher: wake the next if needed   *)
(*   "run"    inside a task (Worker.runTask)                               *)
(*   "spin"   Worker.spinBeforeParking: counted as searching, watching the *)
(*            global queue (AdaptiveSpin.spinUntilWork, the pre-park spin) *)
(*   "dec"    Worker.idle: stop searching (Ctl.searchingToIdle)            *)
(*   "push"   Worker.idle: IdleSet.push (publish idleness)                 *)
(*   "check"  Worker.idle: re-check the global queue                       *)
(*   "parked" Worker.idle: the park loop (Parker.park, isIdle, remove)     *)
(*   "rwake"  Blocking.afterBlockedTask: queue handed over, wake if work   *)
(*            waits                                                        *)
(*   "exit"   Lifecycle.onWorkerExit: thread count released, wake if work  *)
(*            waits                                                        *)
(*   "fail"   a start whose Thread.start will throw: reserved, counted as  *)
(*            searching and awake, no thread; its starter then undoes the  *)
(*            counts, wakes a sleeper if work waits and calls              *)
(*            balancer.ensureRunning() (Lifecycle.startWorker's catch).    *)
(***************************************************************************)
VARIABLES
    pc,          \* [Slots -> PCs]
    srch,        \* [Slots -> BOOLEAN]  Worker.searching: counted in the searching count
    blocked,     \* [Slots -> BOOLEAN]  Worker.blocked (marked by the monitor or by itself)
    waiting,     \* [Slots -> {"no","wait","comp"}] the running task is inside a blocking call
                 \*   ("comp": it called Compensator.beginBlocking, i.e.
                 \*   Blocking.beginCompensation, first, as Task.join does)
    wk,          \* [Slots -> BOOLEAN]  the worker thread owes a wakeOne() call (next step)
    permit,      \* [Slots -> BOOLEAN]  Parker state NOTIFIED
    cur,         \* [Slots -> Tasks \cup {NoTask}] the task being run
    local,       \* [Slots -> Seq(Tasks)] LocalQueue contents, head = oldest
    global,      \* Seq(Tasks)  GlobalQueue contents
    idle,        \* SUBSET Slots  IdleSet membership (Node.linked)
    nsearch,     \* IdleSet.searching
    tstate,      \* [Tasks -> {"new","queued","running","done"}]
    blockedOnce, \* [Tasks -> BOOLEAN] a task blocks at most once (keeps the model finite)
    runs,        \* [Tasks -> Nat] how many times each task was started
    subPc,       \* the outside submitter: "idle" or "wake" (between offer and wakeOne)
    bpc,         \* the balancer: "scan" (per-worker work of a tick) or "end" (its wakeOne)
    bal,         \* the balancer thread (Balancer.state and Balancer.run): "off" no thread
                 \*   (STOPPED); "loop" in its loop (RUNNING); "exit" saw no thread and no
                 \*   work, about to publish STOPPED; "stop" published STOPPED, re-checks next
    fails,       \* worker starts that failed so far (at most MaxStartFailures)
    ens          \* starters that undid a failed start and still owe the rest of the catch:
                 \*   Pool.wakeSleeper() if work waits, then balancer.ensureRunning()

vars == <<pc, srch, blocked, waiting, wk, permit, cur, local, global, idle,
          nsearch, tstate, blockedOnce, runs, subPc, bpc, bal, fails, ens>>

startVars == <<bal, fails, ens>>   \* changed only by starts, their failure and the balancer's life

PCs == {"off", "find", "chain", "run", "spin", "dec", "push", "check", "parked",
        "rwake", "exit", "fail"}

-----------------------------------------------------------------------------
(* Derived quantities: the counts of Ctl. *)

Threads == {w \in Slots : pc[w] # "off"}                         \* Ctl.threads
Counted == {w \in Slots : pc[w] \notin {"off", "exit"} /\ ~blocked[w]}  \* Ctl.counted
Awake(w) == pc[w] \notin {"off", "check", "parked"}   \* Ctl.awake (the balancer ticks)
Doomed == {"fail"}                 \* a start that will fail (no thread behind it)

Range(s) == {s[i] : i \in DOMAIN s}
Min(a, b) == IF a < b THEN a ELSE b
Half(n) == (n + 1) \div 2                     \* drainHalfTo moves half, rounded up
Front(s, n) == SubSeq(s, 1, n)
Rest(s, n) == SubSeq(s, n + 1, Len(s))

NewTasks == {t \in Tasks : tstate[t] = "new"}
NextNew == CHOOSE t \in NewTasks : \A u \in NewTasks : t <= u   \* tasks are interchangeable

-----------------------------------------------------------------------------
(***************************************************************************)
(* WakeOne(pc0): Pool.wakeOne, after the caller's own program-counter      *)
(* update pc0.  Nothing if a worker is searching; else pop a parked        *)
(* worker, count it as searching and unpark it (IdleSet.popToSearch,      *)
(* Parker.unpark); else start a worker if fewer than Parallelism are       *)
(* counted and the thread cap allows (Lifecycle.maybeStartWorker,          *)
(* Ctl.reserveWorker).  Which sleeper is popped is left open (the code     *)
(* pops the newest).                                                       *)
(*                                                                         *)
(* The start (Lifecycle.startWorker) may fail, at most MaxStartFailures    *)
(* times: the thread factory throws or returns null (nothing was           *)
(* published: the reservation is undone at once), or Thread.start throws  *)
(* after the new worker was counted as searching and awake                 *)
(* (Ctl.reservedToSearching) and the success path's ensureRunning() ran    *)
(* (slot "fail": undone by StartFails).  Either way the starter then owes  *)
(* the rest of the catch (ens): Pool.wakeSleeper() if work waits, then     *)
(* balancer.ensureRunning() (EnsureOwed).  The balancer's own starts (a    *)
(* tick's wakeOne, retryStart) owe it too: its wakeSleeper is real, its    *)
(* ensureRunning() sees RUNNING, a no-op (in the model: unless the         *)
(* balancer has left its loop meanwhile, which only adds behaviours).      *)
(***************************************************************************)
FreeSlot == CHOOSE v \in Slots : pc[v] = "off" /\ \A u \in Slots : pc[u] = "off" => v <= u

CanStart == /\ \E v \in Slots : pc[v] = "off"
            /\ Cardinality(Counted) < Parallelism
            /\ (Cardinality(Threads) < MaxThreads \/ Bug = "NoThreadCap")

\* Balancer.ensureRunning(): if STOPPED, CAS to RUNNING and start a balancer thread. A new
\* thread started while the old one is between publishing STOPPED and its re-check ("stop")
\* is merged with it: the old one's CAS then fails (RUNNING) and it returns.
EnsureRunning == IF bal \in {"off", "stop"} THEN "loop" ELSE bal

\* Lifecycle.startWorker, with threads and counted reserved (Ctl.reserveWorker): success, or
\* one of the two failures.
StartWorker(pc0) ==
    \/ \* the worker thread starts SEARCHING; ensureRunning() before t.start()
       /\ pc' = [pc0 EXCEPT ![FreeSlot] = "find"]
       /\ srch' = [srch EXCEPT ![FreeSlot] = TRUE]
       /\ nsearch' = nsearch + 1
       /\ permit' = [permit EXCEPT ![FreeSlot] = FALSE]
       /\ bal' = EnsureRunning
       /\ UNCHANGED <<idle, fails, ens>>
    \/ \* the factory throws or returns null: the counts are undone (Ctl.startFailed); then
       \* the rest of the catch (EnsureOwed)
       /\ fails < MaxStartFailures
       /\ fails' = fails + 1
       /\ ens' = IF Bug = "NoRetryAfterFailedStart" THEN ens ELSE ens + 1
       /\ pc' = pc0
       /\ UNCHANGED <<srch, nsearch, idle, permit, bal>>
    \/ \* Thread.start() will throw: counted as searching and awake first (StartFails)
       /\ LateStartFailure
       /\ fails < MaxStartFailures
       /\ fails' = fails + 1
       /\ pc' = [pc0 EXCEPT ![FreeSlot] = "fail"]
       /\ srch' = [srch EXCEPT ![FreeSlot] = TRUE]
       /\ nsearch' = nsearch + 1
       /\ permit' = [permit EXCEPT ![FreeSlot] = FALSE]
       /\ bal' = EnsureRunning
       /\ UNCHANGED <<idle, ens>>

NoWake == UNCHANGED <<srch, nsearch, idle, permit, bal, fails, ens>>

WakeOne(pc0) ==
    IF nsearch > 0 THEN
        /\ pc' = pc0
        /\ NoWake
    ELSE IF idle # {} THEN
        \E v \in idle :
            /\ idle' = idle \ {v}
            /\ nsearch' = nsearch + 1
            /\ permit' = [permit EXCEPT ![v] = TRUE]
            /\ pc' = pc0
            /\ UNCHANGED <<srch, bal, fails, ens>>
    ELSE IF CanStart THEN
        StartWorker(pc0)
    ELSE
        /\ pc' = pc0
        /\ NoWake

wakeVars == <<pc, srch, nsearch, idle, permit, bal, fails, ens>>

-----------------------------------------------------------------------------
Init ==
    /\ pc = [w \in Slots |-> "off"]
    /\ srch = [w \in Slots |-> FALSE]
    /\ blocked = [w \in Slots |-> FALSE]
    /\ waiting = [w \in Slots |-> "no"]
    /\ wk = [w \in Slots |-> FALSE]
    /\ permit = [w \in Slots |-> FALSE]
    /\ cur = [w \in Slots |-> NoTask]
    /\ local = [w \in Slots |-> <<>>]
    /\ global = <<>>
    /\ idle = {}
    /\ nsearch = 0
    /\ tstate = [t \in Tasks |-> "new"]
    /\ blockedOnce = [t \in Tasks |-> FALSE]
    /\ runs = [t \in Tasks |-> 0]
    /\ subPc = "idle"
    /\ bpc = "scan"
    /\ bal = "off"
    /\ fails = 0
    /\ ens = 0

-----------------------------------------------------------------------------
(* The outside submitter: WorkBalancingScheduler.execute -> Pool.dispatch, *)
(* on a non-worker thread.                                                 *)

SubmitOutside ==                       \* Pool.dispatch: global.offer(task)
    /\ subPc = "idle"
    /\ NewTasks # {}
    /\ global' = Append(global, NextNew)
    /\ tstate' = [tstate EXCEPT ![NextNew] = "queued"]
    /\ subPc' = "wake"
    /\ UNCHANGED <<pc, srch, blocked, waiting, wk, permit, cur, local, idle,
                   nsearch, blockedOnce, runs, bpc, startVars>>

SubmitWake ==                          \* Pool.dispatch: wakeOne()
    /\ subPc = "wake"
    /\ WakeOne(pc)
    /\ subPc' = "idle"
    /\ UNCHANGED <<blocked, waiting, wk, cur, local, global, tstate, blockedOnce,
                   runs, bpc>>

-----------------------------------------------------------------------------
(* Worker.findTask, and the searching worker's hand-over in Worker.run. *)

\* Start running task t with the queues left as l (local) and g (global).
Begin(w, t, l, g) ==
    /\ cur' = [cur EXCEPT ![w] = t]
    /\ tstate' = [tstate EXCEPT ![t] = "running"]
    /\ runs' = [runs EXCEPT ![t] = @ + 1]
    /\ local' = [local EXCEPT ![w] = l]
    /\ global' = g
    /\ IF srch[w]
         THEN \* Ctl.searchingToRunning(); the last searcher goes on to the chain check
              /\ srch' = [srch EXCEPT ![w] = FALSE]
              /\ nsearch' = nsearch - 1
              /\ pc' = [pc EXCEPT ![w] = IF nsearch - 1 = 0 THEN "chain" ELSE "run"]
         ELSE /\ pc' = [pc EXCEPT ![w] = "run"]
              /\ UNCHANGED <<srch, nsearch>>
    /\ UNCHANGED <<blocked, waiting, wk, permit, idle, blockedOnce, subPc, bpc,
                   startVars>>

BatchSize == Min(Len(global) \div Cardinality(Counted) + 1,
                 IF LocalCap >= 2 THEN LocalCap \div 2 ELSE 1)

Find(w) ==
    /\ pc[w] = "find"
    /\ \/ \* every 61st task: one task from the global queue first (fairness)
          /\ global # <<>>
          /\ local[w] # <<>>
          /\ Begin(w, Head(global), local[w], Tail(global))
       \/ \* local.poll()
          /\ local[w] # <<>>
          /\ Begin(w, Head(local[w]), Tail(local[w]), global)
       \/ \* global.pollBatch(local, max) then local.poll()
          /\ local[w] = <<>>
          /\ global # <<>>
          /\ LET b == Front(global, BatchSize)
             IN Begin(w, Head(b), Tail(b), Rest(global, BatchSize))
       \/ \* nothing found: Worker.idle()
          /\ local[w] = <<>>
          /\ global = <<>>
          /\ pc' = [pc EXCEPT ![w] = "dec"]
          /\ UNCHANGED <<srch, blocked, waiting, wk, permit, cur, local, global,
                         idle, nsearch, tstate, blockedOnce, runs, subPc, bpc, startVars>>
       \/ \* nothing found, and AdaptiveSpin.wantsToSpin: Worker.spinBeforeParking. A worker
          \* not yet searching joins the count only if it is 0 (Ctl.startSpinningAlone, the
          \* CAS of IdleSet.tryStartSearchingAlone).
          /\ local[w] = <<>>
          /\ global = <<>>
          /\ srch[w] \/ nsearch = 0
          /\ pc' = [pc EXCEPT ![w] = "spin"]
          /\ srch' = [srch EXCEPT ![w] = TRUE]
          /\ nsearch' = IF srch[w] THEN nsearch ELSE nsearch + 1
          /\ UNCHANGED <<blocked, waiting, wk, permit, cur, local, global,
                         idle, tstate, blockedOnce, runs, subPc, bpc, startVars>>

\* The spin ends: work appeared (back to findTask, still searching), or the deadline passed
\* (at any moment, even with work just arrived) and the worker goes idle as usual.
SpinFound(w) ==
    /\ pc[w] = "spin"
    /\ global # <<>>
    /\ pc' = [pc EXCEPT ![w] = "find"]
    /\ UNCHANGED <<srch, blocked, waiting, wk, permit, cur, local, global, idle, nsearch,
                   tstate, blockedOnce, runs, subPc, bpc, startVars>>

SpinGiveUp(w) ==
    /\ pc[w] = "spin"
    \* Bug SpinLeavesCount: the spinner parks still counted as searching.
    /\ pc' = [pc EXCEPT ![w] = IF Bug = "SpinLeavesCount" THEN "push" ELSE "dec"]
    /\ UNCHANGED <<srch, blocked, waiting, wk, permit, cur, local, global, idle, nsearch,
                   tstate, blockedOnce, runs, subPc, bpc, startVars>>

Chain(w) ==                            \* Tokio's chain: the last searcher wakes the next one
    /\ pc[w] = "chain"
    /\ IF global # <<>>
         THEN WakeOne([pc EXCEPT ![w] = "run"])
         ELSE /\ pc' = [pc EXCEPT ![w] = "run"]
              /\ NoWake
    /\ UNCHANGED <<blocked, waiting, wk, cur, local, global, tstate, blockedOnce,
                   runs, subPc, bpc>>

-----------------------------------------------------------------------------
(* Inside a task: spawn (Pool.dispatch on a worker), block, compensate, return. *)

CanAct(w) == pc[w] = "run" /\ waiting[w] = "no" /\ ~wk[w]

\* The running task may still enter a blocking call.
MayBlock(w) == /\ ~blockedOnce[cur[w]]
               /\ Cardinality({t \in Tasks : blockedOnce[t]}) < MaxBlocking

\* Pool.dispatch on the worker: local push (LocalQueue.offerOrOverflow), overflow, share.
SpawnLocal(w, t) ==
    IF Len(local[w]) < LocalCap
    THEN LET l == Append(local[w], t) IN
         IF Len(l) >= ShareThreshold /\ idle # {} /\ nsearch = 0
         THEN \* share half of the backlog: drainHalfTo(global), then wakeOne
              /\ local' = [local EXCEPT ![w] = Rest(l, Half(Len(l)))]
              /\ global' = global \o Front(l, Half(Len(l)))
              /\ wk' = [wk EXCEPT ![w] = TRUE]
         ELSE /\ local' = [local EXCEPT ![w] = l]
              /\ UNCHANGED <<global, wk>>
    ELSE \* overflow: the older half and the task to the global queue, then wakeOne
         /\ local' = [local EXCEPT ![w] = Rest(local[w], Half(Len(local[w])))]
         /\ global' = global \o Front(local[w], Half(Len(local[w]))) \o <<t>>
         /\ wk' = [wk EXCEPT ![w] = TRUE]

Spawn(w) ==
    /\ CanAct(w)
    /\ NewTasks # {}
    /\ LET t == NextNew IN
       /\ tstate' = [tstate EXCEPT ![t] = "queued"]
       /\ \/ /\ ~blocked[w]
             /\ SpawnLocal(w, t)
          \/ \* a blocked worker's task: pushes go global (isBlockedOpaque) ...
             /\ blocked[w]
             /\ global' = Append(global, t)
             /\ wk' = [wk EXCEPT ![w] = TRUE]
             /\ UNCHANGED local
          \/ \* ... unless its opaque read still sees the flag clear (the balancer re-drains)
             /\ blocked[w]
             /\ SpawnLocal(w, t)
    /\ UNCHANGED <<pc, srch, blocked, waiting, permit, cur, idle, nsearch,
                   blockedOnce, runs, subPc, bpc, startVars>>

OwedWake(w) ==                         \* the wakeOne() the worker thread owes after a push
    /\ pc[w] = "run"
    /\ wk[w]
    /\ WakeOne(pc)
    /\ wk' = [wk EXCEPT ![w] = FALSE]
    /\ UNCHANGED <<blocked, waiting, cur, local, global, tstate, blockedOnce, runs,
                   subPc, bpc>>

Block(w) ==                            \* an uncooperative blocking call (JDBC, sleep, lock)
    /\ CanAct(w)
    /\ MayBlock(w)
    /\ waiting' = [waiting EXCEPT ![w] = "wait"]
    /\ blockedOnce' = [blockedOnce EXCEPT ![cur[w]] = TRUE]
    /\ UNCHANGED <<pc, srch, blocked, wk, permit, cur, local, global, idle, nsearch,
                   tstate, runs, subPc, bpc, startVars>>

\* Compensator.beginBlocking (Task.join, blockOn) -> Blocking.beginCompensation ->
\* Blocking.markBlocked(self): Ctl.runningToBlocked (counted--), the owner drains its whole
\* queue (drainLocalToGlobal), then wakeOne if work waits; then the wait.
Compensate(w) ==
    /\ CanAct(w)
    /\ ~blocked[w]
    /\ MayBlock(w)
    /\ blocked' = [blocked EXCEPT ![w] = TRUE]
    /\ waiting' = [waiting EXCEPT ![w] = "comp"]
    /\ blockedOnce' = [blockedOnce EXCEPT ![cur[w]] = TRUE]
    /\ global' = global \o local[w]
    /\ local' = [local EXCEPT ![w] = <<>>]
    /\ wk' = [wk EXCEPT ![w] = global' # <<>>]
    /\ UNCHANGED <<pc, srch, permit, cur, idle, nsearch, tstate, runs, subPc, bpc,
                   startVars>>

\* The blocking call returns; after a compensated wait, Compensator.endBlocking ->
\* Blocking.endCompensation tries to rejoin (Blocking.tryRejoin, Ctl.blockedToRunning:
\* counted++ if below parallelism).
Unblock(w) ==
    /\ pc[w] = "run"
    /\ waiting[w] # "no"
    /\ ~wk[w]
    /\ waiting' = [waiting EXCEPT ![w] = "no"]
    /\ blocked' = [blocked EXCEPT ![w] =
                     IF waiting[w] = "comp" /\ Cardinality(Counted) < Parallelism
                       THEN FALSE ELSE @]
    /\ UNCHANGED <<pc, srch, wk, permit, cur, local, global, idle, nsearch, tstate,
                   blockedOnce, runs, subPc, bpc, startVars>>

\* The task returns (Worker.run after runTask; Blocking.afterBlockedTask if blocked).
Complete(w) ==
    /\ CanAct(w)
    /\ tstate' = [tstate EXCEPT ![cur[w]] = "done"]
    /\ cur' = [cur EXCEPT ![w] = NoTask]
    /\ IF ~blocked[w]
         THEN /\ pc' = [pc EXCEPT ![w] = "find"]
              /\ UNCHANGED <<blocked, local, global>>
       ELSE IF Cardinality(Counted) < Parallelism
         THEN \* Blocking.tryRejoin: counted again, goes on as RUNNING (not searching)
              /\ pc' = [pc EXCEPT ![w] = "find"]
              /\ blocked' = [blocked EXCEPT ![w] = FALSE]
              /\ UNCHANGED <<local, global>>
       ELSE \* retire: drainLocalToGlobal, then (next step) wakeOne if work waits
              /\ pc' = [pc EXCEPT ![w] = "rwake"]
              /\ UNCHANGED blocked
              /\ IF Bug = "RetireNoDrain"
                   THEN UNCHANGED <<local, global>>
                   ELSE /\ global' = global \o local[w]
                        /\ local' = [local EXCEPT ![w] = <<>>]
    /\ UNCHANGED <<srch, waiting, wk, permit, idle, nsearch, blockedOnce, runs, subPc,
                   bpc, startVars>>

RetireWake(w) ==             \* Blocking.afterBlockedTask: if (!global.isEmpty()) wakeOne()
    /\ pc[w] = "rwake"
    /\ IF global # <<>>
         THEN WakeOne([pc EXCEPT ![w] = "exit"])
         ELSE /\ pc' = [pc EXCEPT ![w] = "exit"]
              /\ NoWake
    /\ UNCHANGED <<blocked, waiting, wk, cur, local, global, tstate, blockedOnce, runs,
                   subPc, bpc>>

\* Lifecycle.onWorkerExit: Ctl.threadExited (threads--), then wakeOne if work waits.  The
\* slot is reset for reuse.
Exit(w) ==
    /\ pc[w] = "exit"
    /\ LET pc0 == [pc EXCEPT ![w] = "off"] IN
       IF global # <<>>
         THEN WakeOne(pc0)
         ELSE /\ pc' = pc0
              /\ NoWake
    /\ blocked' = [blocked EXCEPT ![w] = FALSE]
    /\ UNCHANGED <<waiting, wk, cur, local, global, tstate, blockedOnce, runs, subPc, bpc>>

-----------------------------------------------------------------------------
(* Worker.idle: stop searching, publish, re-check, park. *)

StopSearching(w) ==
    /\ pc[w] = "dec"
    /\ pc' = [pc EXCEPT ![w] = "push"]
    /\ IF srch[w]
         THEN /\ srch' = [srch EXCEPT ![w] = FALSE]
              /\ nsearch' = nsearch - 1
         ELSE UNCHANGED <<srch, nsearch>>
    /\ UNCHANGED <<blocked, waiting, wk, permit, cur, local, global, idle, tstate,
                   blockedOnce, runs, subPc, bpc, startVars>>

Publish(w) ==                          \* IdleSet.push(this)
    /\ pc[w] = "push"
    /\ idle' = idle \cup {w}
    /\ pc' = [pc EXCEPT ![w] = IF Bug = "ParkNoRecheck" THEN "parked" ELSE "check"]
    /\ UNCHANGED <<srch, blocked, waiting, wk, permit, cur, local, global, nsearch,
                   tstate, blockedOnce, runs, subPc, bpc, startVars>>

Recheck(w) ==                          \* if (!global.isEmpty()) { remove or popped } else park
    /\ pc[w] = "check"
    /\ IF global # <<>>
         THEN /\ pc' = [pc EXCEPT ![w] = "find"]
              /\ srch' = [srch EXCEPT ![w] = TRUE]
              /\ IF w \in idle
                   THEN /\ idle' = idle \ {w}   \* removed itself: Ctl.recheckToSearching
                        /\ nsearch' = nsearch + 1
                   ELSE UNCHANGED <<idle, nsearch>>    \* a waker popped it and counted it
         ELSE /\ pc' = [pc EXCEPT ![w] = "parked"]
              /\ UNCHANGED <<srch, idle, nsearch>>
    /\ UNCHANGED <<blocked, waiting, wk, permit, cur, local, global, tstate,
                   blockedOnce, runs, subPc, bpc, startVars>>

\* Parker.park(keepAlive) returned true (permit consumed), then the isIdle() check: woken
\* only if no longer in the IdleSet; a stale permit (left by a waker that popped the worker
\* during its re-check or its timeout) is absorbed and the worker parks again.
WakeUp(w) ==
    /\ pc[w] = "parked"
    /\ permit[w]
    /\ permit' = [permit EXCEPT ![w] = FALSE]
    /\ IF w \notin idle \/ Bug = "WakeByPermit"
         THEN /\ pc' = [pc EXCEPT ![w] = "find"]
              /\ srch' = [srch EXCEPT ![w] = TRUE]
         ELSE UNCHANGED <<pc, srch>>
    /\ UNCHANGED <<blocked, waiting, wk, cur, local, global, idle, nsearch, tstate,
                   blockedOnce, runs, subPc, bpc, startVars>>

\* Parker.park returned false (keep-alive passed): still in the set -> remove,
\* Ctl.parkedToRetired (counted--), exit; popped meanwhile -> searching (the waker counted
\* it).
KeepAliveExpires(w) ==
    /\ pc[w] = "parked"
    /\ ~permit[w]
    /\ IF w \in idle
         THEN /\ idle' = idle \ {w}
              /\ pc' = [pc EXCEPT ![w] = "exit"]
              /\ UNCHANGED srch
         ELSE /\ pc' = [pc EXCEPT ![w] = "find"]
              /\ srch' = [srch EXCEPT ![w] = TRUE]
              /\ UNCHANGED idle
    /\ UNCHANGED <<blocked, waiting, wk, permit, cur, local, global, nsearch, tstate,
                   blockedOnce, runs, subPc, bpc, startVars>>

-----------------------------------------------------------------------------
(***************************************************************************)
(* The balancer (Balancer.tick).  One atomic step per worker visited (each *)
(* is one try-locked queue operation and/or the blocked CAS), then the end *)
(* of the tick: wakeOne if the global queue is not empty.  It ticks only   *)
(* while some worker is awake (a blocked worker is awake), and only while  *)
(* its thread is in its loop (bal = "loop").                               *)
(***************************************************************************)
BalUnchanged == UNCHANGED <<srch, waiting, wk, permit, cur, idle, nsearch, tstate,
                            blockedOnce, runs, subPc, startVars>>

\* A stalled (not blocked) worker: drainHalfTo(global).  "Stalled" (same progress counter
\* as at the last tick) is left to nondeterminism: any worker inside a task may be stalled.
BalanceStalled(w) ==
    /\ pc[w] = "run" /\ ~blocked[w]
    /\ bal = "loop"
    /\ local[w] # <<>>
    /\ global' = global \o Front(local[w], Half(Len(local[w])))
    /\ local' = [local EXCEPT ![w] = Rest(local[w], Half(Len(local[w])))]
    /\ bpc' = "end"
    /\ UNCHANGED <<pc, blocked>>
    /\ BalUnchanged

\* Preemption: StallDetector.judge's verdict, acted on in Balancer.tick: Blocking.markBlocked
\* (Ctl.runningToBlocked: counted--; drainAllTo(global)).  Enabled for any worker inside a
\* task (COMPUTING: the threshold for long computations); forced (fairness) for a waiting
\* thread (WAITING).
Preempt(w) ==
    /\ pc[w] = "run" /\ ~blocked[w]
    /\ bal = "loop"
    /\ blocked' = [blocked EXCEPT ![w] = TRUE]
    /\ global' = global \o local[w]
    /\ local' = [local EXCEPT ![w] = <<>>]
    /\ bpc' = "end"
    /\ UNCHANGED pc
    /\ BalUnchanged

PreemptWaiting(w) == waiting[w] # "no" /\ Preempt(w)

\* Every tick re-drains a blocked worker's queue (its task may still push locally).
RedrainBlocked(w) ==
    /\ blocked[w]
    /\ bal = "loop"
    /\ pc[w] \in {"run", "rwake"}
    /\ Bug # "DrainBlockedOnce"
    /\ local[w] # <<>>
    /\ global' = global \o local[w]
    /\ local' = [local EXCEPT ![w] = <<>>]
    /\ bpc' = "end"
    /\ UNCHANGED <<pc, blocked>>
    /\ BalUnchanged

\* A tick that moved nothing still wakes a sleeper when work waits (the safety net).
IdleTick ==
    /\ bpc = "scan"
    /\ bal = "loop"
    /\ global # <<>>
    /\ \E w \in Slots : Awake(w)
    /\ bpc' = "end"
    /\ UNCHANGED <<pc, blocked, local, global>>
    /\ BalUnchanged

TickEnd ==                             \* if (wake || !global.isEmpty()) wakeOne()
    /\ bpc = "end"
    /\ IF global # <<>>
         THEN WakeOne(pc)
         ELSE UNCHANGED wakeVars
    /\ bpc' = "scan"
    /\ UNCHANGED <<blocked, waiting, wk, cur, local, global, tstate, blockedOnce, runs,
                   subPc>>

(***************************************************************************)
(* The balancer thread's life (Balancer.run, ensureRunning), and the retry *)
(* of a failed start.  The thread exits when ctl.threads() == 0 and        *)
(* !needsStartRetry(), i.e. no thread and an empty global queue: it reads  *)
(* that, publishes STOPPED, re-checks, and CASes back to RUNNING if a      *)
(* thread or work appeared meanwhile.  Every start, and every starter      *)
(* after a failed start, calls ensureRunning() after it published (the     *)
(* thread count, or the undo with the work still queued): a Dekker pair    *)
(* with the exit.  Between its ticks, with no worker awake and             *)
(* needsStartRetry() (work waits, no thread), it calls retryStart().       *)
(***************************************************************************)
NoThreadNoWork == Threads = {} /\ global = <<>>   \* threads() == 0 && !needsStartRetry()

BalOnly == UNCHANGED <<pc, srch, blocked, waiting, wk, permit, cur, local, global, idle,
                       nsearch, tstate, blockedOnce, runs, subPc, bpc, fails, ens>>

BalExit ==                        \* if (ctl.threads() == 0 && !life.needsStartRetry())
    /\ bal = "loop" /\ bpc = "scan"
    /\ NoThreadNoWork
    /\ bal' = "exit"
    /\ BalOnly

BalStop ==                             \* state = STOPPED
    /\ bal = "exit"
    /\ bal' = "stop"
    /\ BalOnly

BalRecheck ==                          \* re-check: return, or CAS STOPPED -> RUNNING
    /\ bal = "stop"
    \* Bug BalancerExitNoRecheck: return right after publishing STOPPED.
    /\ bal' = IF NoThreadNoWork \/ Bug = "BalancerExitNoRecheck" THEN "off" ELSE "loop"
    /\ BalOnly

\* Between ticks, no worker awake and Lifecycle.needsStartRetry(): Lifecycle.retryStart() ->
\* maybeStartWorker(). (With no thread, no worker is searching or idle, and the start is
\* allowed.)
BalRetry ==
    /\ bal = "loop" /\ bpc = "scan"
    /\ Threads = {} /\ global # <<>>
    /\ StartWorker(pc)
    /\ UNCHANGED <<blocked, waiting, wk, cur, local, global, tstate, blockedOnce, runs,
                   subPc, bpc>>

\* Lifecycle.startWorker's catch after Thread.start() threw: unregister, Ctl.startFailed
\* (counted--, threads--, decrementSearching, awake--); then (next step, EnsureOwed) the
\* wake of a sleeper and balancer.ensureRunning(). Any starter, the balancer included.
StartFails(w) ==
    /\ pc[w] \in Doomed
    /\ pc' = [pc EXCEPT ![w] = "off"]
    /\ srch' = [srch EXCEPT ![w] = FALSE]
    /\ nsearch' = nsearch - 1
    /\ ens' = IF Bug = "NoRetryAfterFailedStart" THEN ens ELSE ens + 1
    /\ UNCHANGED <<blocked, waiting, wk, permit, cur, local, global, idle, tstate,
                   blockedOnce, runs, subPc, bpc, bal, fails>>

\* The rest of startWorker's catch: if the global queue is not empty, Pool.wakeSleeper()
\* (the half of wakeOne that never starts a worker: nothing if a worker is searching, else
\* pop a sleeper, counted as searching, and unpark it), for a wakeOne that trusted the doomed
\* searcher; then balancer.ensureRunning(), the retry.
\* Bug LateStartFailNoWake: no wake (the code before the fix), only ensureRunning().
WakeSleeper ==
    IF global # <<>> /\ nsearch = 0 /\ idle # {} /\ Bug # "LateStartFailNoWake"
    THEN \E v \in idle :
            /\ idle' = idle \ {v}
            /\ nsearch' = nsearch + 1
            /\ permit' = [permit EXCEPT ![v] = TRUE]
    ELSE UNCHANGED <<idle, nsearch, permit>>

EnsureOwed ==
    /\ ens > 0
    /\ ens' = ens - 1
    /\ WakeSleeper
    /\ bal' = EnsureRunning
    /\ UNCHANGED <<pc, srch, blocked, waiting, wk, cur, local, global,
                   tstate, blockedOnce, runs, subPc, bpc, fails>>

\* The balancer thread's own steps, and the steps of a starter whose start failed.
BalancerProgram == BalStop \/ BalRecheck \/ BalRetry
StarterProgram == EnsureOwed \/ \E w \in Slots : StartFails(w)

-----------------------------------------------------------------------------
\* All tasks done and every thread gone: the behaviour may stop here (not a deadlock).
Quiescent ==
    /\ \A t \in Tasks : tstate[t] = "done"
    /\ \A w \in Slots : pc[w] = "off"
    /\ subPc = "idle" /\ bpc = "scan"
    /\ UNCHANGED vars

\* The steps a worker thread takes by itself, one at a time in program order.
WorkerProgram(w) ==
    \/ Find(w) \/ Chain(w) \/ OwedWake(w) \/ Complete(w)
    \/ RetireWake(w) \/ Exit(w)
    \/ SpinFound(w) \/ SpinGiveUp(w)
    \/ StopSearching(w) \/ Publish(w) \/ Recheck(w) \/ WakeUp(w)

Next ==
    \/ SubmitOutside \/ SubmitWake
    \/ \E w \in Slots :
          \/ WorkerProgram(w)
          \/ Spawn(w) \/ Block(w) \/ Compensate(w) \/ Unblock(w) \/ KeepAliveExpires(w)
          \/ BalanceStalled(w) \/ Preempt(w) \/ RedrainBlocked(w)
    \/ IdleTick \/ TickEnd
    \/ BalExit \/ BalancerProgram \/ StarterProgram
    \/ Quiescent

(***************************************************************************)
(* Fairness (weak only).  Every step a thread takes on its own once it is  *)
(* its turn: the worker's program steps, the submitter's wakeOne, the end  *)
(* of a tick.  The balancer's duties to one worker (preempt a thread seen  *)
(* waiting, re-drain a blocked worker's queue) stay enabled until done,    *)
(* since a tick may visit any number of workers before its closing wake:   *)
(* weak fairness is exactly "every tick visits every worker".  Nothing is  *)
(* fair about what the environment decides: submitting, spawning, blocking,*)
(* keep-alive expiry, balancing a merely stalled worker, and the idle-tick *)
(* safety net (liveness must not depend on it).  The balancer thread's     *)
(* exit steps and its start retry are its own steps (fair); so are the     *)
(* undo and the ensureRunning() of a starter whose start failed.  Whether  *)
(* a start fails, and whether the balancer leaves when it may, is not      *)
(* fair.  Spec adds weak fairness of Unblock (every blocking call          *)
(* returns); SpecBlockForever omits it.                                    *)
(***************************************************************************)
Fairness ==
    /\ \A w \in Slots :
          /\ WF_vars(WorkerProgram(w))
          /\ WF_vars(PreemptWaiting(w))
          /\ WF_vars(RedrainBlocked(w))
    /\ WF_vars(SubmitWake)
    /\ WF_vars(TickEnd)
    /\ WF_vars(BalancerProgram)
    /\ WF_vars(StarterProgram)

Spec == Init /\ [][Next]_vars /\ Fairness /\ \A w \in Slots : WF_vars(Unblock(w))

SpecBlockForever == Init /\ [][Next]_vars /\ Fairness

-----------------------------------------------------------------------------
(* Invariants (safety). *)

TypeOK ==
    /\ pc \in [Slots -> PCs]
    /\ srch \in [Slots -> BOOLEAN]
    /\ blocked \in [Slots -> BOOLEAN]
    /\ waiting \in [Slots -> {"no", "wait", "comp"}]
    /\ wk \in [Slots -> BOOLEAN]
    /\ permit \in [Slots -> BOOLEAN]
    /\ cur \in [Slots -> Tasks \cup {NoTask}]
    /\ \A w \in Slots : Len(local[w]) <= LocalCap /\ Range(local[w]) \subseteq Tasks
    /\ Range(global) \subseteq Tasks
    /\ idle \subseteq Slots
    /\ nsearch \in Int
    /\ tstate \in [Tasks -> {"new", "queued", "running", "done"}]
    /\ subPc \in {"idle", "wake"} /\ bpc \in {"scan", "end"}
    /\ bal \in {"off", "loop", "exit", "stop"}
    /\ fails \in 0..MaxStartFailures
    /\ ens \in 0..MaxStartFailures
    /\ bpc = "end" => bal = "loop"               \* a tick runs on the balancer thread

\* Every submitted task runs exactly once: never twice ...
RunsAtMostOnce == \A t \in Tasks : runs[t] <= 1

\* ... and a queued task is in exactly one queue, a running task on exactly one worker.
Occurrences(t) ==
    Cardinality({i \in DOMAIN global : global[i] = t})
    + Cardinality({<<w, i>> \in Slots \X (1..LocalCap) :
                      i <= Len(local[w]) /\ local[w][i] = t})
NoTaskLostOrDuplicated ==
    \A t \in Tasks :
        /\ tstate[t] = "queued"  => Occurrences(t) = 1
        /\ tstate[t] # "queued"  => Occurrences(t) = 0
        /\ tstate[t] = "running" => Cardinality({w \in Slots : cur[w] = t}) = 1

\* The thread count never exceeds the cap.
ThreadCap == Cardinality(Threads) <= MaxThreads

\* No task in the queue of a parked worker, nor of a retired (or retiring-after-handover) one.
NoTaskInParkedQueue  == \A w \in Slots : pc[w] = "parked" => local[w] = <<>>
NoTaskInRetiredQueue == \A w \in Slots : pc[w] \in {"off", "rwake", "exit"} => local[w] = <<>>

\* A wake-up is never lost: while work waits in the global queue and a worker sleeps,
\* some worker is awake (it, or the balancer's tick that runs while it is awake, reaches the
\* work), or a sleeper holds a permit, or a wakeOne() is owed by some thread, or a failed
\* starter's wakeSleeper() is still to come.
WakeInFlight == subPc = "wake" \/ bpc = "end" \/ ens > 0 \/ \E w \in Slots : wk[w]
NoLostWakeup ==
    (global # <<>> /\ \E w \in Slots : pc[w] = "parked")
        => \/ \E w \in Slots : pc[w] \notin {"off", "parked"} \/ permit[w]
           \/ WakeInFlight
\* ... nor when every thread is gone: a wakeOne() is still to come, or, once a start has
\* failed, the balancer thread exists (it retries the start) or a failed starter's
\* ensureRunning() is still to come.
NoOrphanedWork ==
    global # <<>> => \/ Threads # {}
                     \/ WakeInFlight
                     \/ fails > 0 /\ (bal # "off" \/ ens > 0)

\* A worker thread never runs without a balancer thread (its exit re-checks the count).
BalancerWhileThreads == Threads # {} => bal # "off"

\* The bookkeeping behind the searching protocol (IdleSet.searching, IdleSet membership).
\* A popped worker is counted by its waker before it knows it was popped.
Popped(w) == pc[w] \in {"check", "parked"} /\ w \notin idle
SearchingCountExact ==
    nsearch = Cardinality({w \in Slots : srch[w]}) + Cardinality({w \in Slots : Popped(w)})
IdleSetHoldsOnlyIdle == \A w \in idle : pc[w] \in {"check", "parked"}
CountedWithinParallelism == Cardinality(Counted) <= Parallelism

-----------------------------------------------------------------------------
(* Temporal properties (liveness). *)

Started(t) == tstate[t] \in {"running", "done"}

\* Every submitted task eventually runs (under Spec: every blocking call returns).
EveryTaskRuns == \A t \in Tasks : tstate[t] = "queued" ~> Started(t)

\* ... and completes.
EveryTaskCompletes == \A t \in Tasks : tstate[t] = "queued" ~> tstate[t] = "done"

\* The same two, checked against SpecBlockForever: they hold in every behaviour in which
\* every blocking call returns (so one run of TLC checks all the temporal properties).
BlockingCallsReturn == \A w \in Slots : WF_vars(Unblock(w))
EveryTaskRunsIfCallsReturn == BlockingCallsReturn => EveryTaskRuns
EveryTaskCompletesIfCallsReturn == BlockingCallsReturn => EveryTaskCompletes

\* A task in a blocked worker's queue is eventually moved out of it, even if the blocked
\* task never returns (checked under SpecBlockForever).
BlockedQueueDrained ==
    \A w \in Slots, t \in Tasks :
        (blocked[w] /\ t \in Range(local[w])) ~> t \notin Range(local[w])

\* When every thread is stuck in a blocking call while work waits, below the cap, a worker
\* that can run it eventually exists (a replacement is started or woken).
Stuck(w) == pc[w] = "run" /\ waiting[w] # "no"
WorkWaiting == global # <<>> \/ \E w \in Slots : local[w] # <<>>
ReplacementStarted ==
    (/\ Threads # {}
     /\ \A w \in Threads : Stuck(w)
     /\ WorkWaiting
     /\ Cardinality(Threads) < MaxThreads)
    ~> (\E w \in Threads : ~Stuck(w) /\ pc[w] \notin Doomed) \/ ~WorkWaiting

\* With failing starts: a start that failed while other threads exist is retried by the
\* closing wakeOne() of the balancer's next tick, the safety net that the model leaves unfair
\* (IdleTick). So ReplacementStarted holds if that tick is fair (Scheduler_startfail_blocking).
ReplacementStartedIfTicks == WF_vars(IdleTick) => ReplacementStarted
=============================================================================

// tb_chip.v - replay an nmi2apb command file (bench/icarus/nmi2apb.c) into rtl/nm_chip.v
// on Icarus Verilog, cycle for cycle as vl-replay does on the Verilated chip: the reset
// of emulator/nm_rtl_chip.c (4 cycles low, 1 high, two APB reads of the geometry), APB
// transfers of two cycles (setup, access), and the firmware's tick and host-send
// routines (firmware/nm_fw.c: nm_fw_tick, nm_fw_host_send). Prints the lines vl-replay
// prints, and PHASE lines for the timing wrapper. Verilog-2005.
//
//   iverilog -g2005 -Irtl -Iregmap -s tb_chip -P tb_chip.Depth=N -o tb.vvp rtl/*.v bench/icarus/tb_chip.v
//   vvp -n tb.vvp +cmds=CMDS.hex
`timescale 1ns / 1ps
module tb_chip;
  parameter MeshX = 4;
  parameter MeshY = 4;
  parameter Depth = 262144;   // commands in the file (nmi2apb prints the count)

  // APB addresses (docs/chip-register-map.md): space 2 = chip registers
  localparam [31:0] ChipBase = 32'h8000_0000;
  localparam [31:0] AddrGeometry  = ChipBase | (32'd1  << 2);
  localparam [31:0] AddrCtrl      = ChipBase | (32'd2  << 2);
  localparam [31:0] AddrStatus    = ChipBase | (32'd3  << 2);
  localparam [31:0] AddrLastCyc   = ChipBase | (32'd5  << 2);
  localparam [31:0] AddrOutInfo   = ChipBase | (32'd9  << 2);
  localparam [31:0] AddrOutFlit   = ChipBase | (32'd10 << 2);
  localparam [31:0] AddrOutTick   = ChipBase | (32'd11 << 2);
  localparam [31:0] AddrOutPop    = ChipBase | (32'd12 << 2);
  localparam [31:0] AddrCoreGeom  = 32'h0000_0001 << 2;   // core 0, CTRL.GEOMETRY

  reg         clk, rst_n;
  reg         psel, penable, pwrite;
  reg  [31:0] paddr, pwdata;
  wire [31:0] prdata;
  wire        pready, pslverr;
  wire        tick_done, busy, overrun, host_ready, off_valid;
  wire [29:0] off_flit;
  wire [1:0]  off_side;
  wire [7:0]  off_pos;
  wire [31:0] off_tick;
  wire [MeshX*MeshY-1:0]   trace_valid;
  wire [MeshX*MeshY*8-1:0] trace_neuron;

  nm_chip #(.MeshX(MeshX), .MeshY(MeshY)) dut (
    .clk_i          (clk),
    .rst_ni         (rst_n),
    .tick_i         (1'b0),
    .tick_done_o    (tick_done),
    .busy_o         (busy),
    .overrun_o      (overrun),
    .host_valid_i   (1'b0),
    .host_ready_o   (host_ready),
    .host_flit_i    (30'd0),
    .off_valid_o    (off_valid),
    .off_ready_i    (1'b0),        // the firmware drains the queue over APB
    .off_flit_o     (off_flit),
    .off_side_o     (off_side),
    .off_pos_o      (off_pos),
    .off_tick_o     (off_tick),
    .trace_valid_o  (trace_valid),
    .trace_neuron_o (trace_neuron),
    .psel_i         (psel),
    .penable_i      (penable),
    .pwrite_i       (pwrite),
    .paddr_i        (paddr),
    .pwdata_i       (pwdata),
    .prdata_o       (prdata),
    .pready_o       (pready),
    .pslverr_o      (pslverr)
  );

  reg [71:0]  cmds [0:Depth-1];
  reg [8*512-1:0] fname;
  reg [63:0]  cycles;          // clock cycles since time 0, as nm_vchip_cycles counts them
  reg [63:0]  load_cycles;
  reg [31:0]  rdata, status, info, scratch, ticknum, offn;
  reg         err, busy_bit;
  integer     pc, done, phase;     // phase 0 loading, 1 ticking, 2 reading counters

  // One clock cycle: rising edge, falling edge (inputs change while the clock is low).
  task cyc;
    begin
      #5 clk = 1'b1;
      #5 clk = 1'b0;
      cycles = cycles + 64'd1;
    end
  endtask

  // One APB transfer: setup cycle, then the access cycle (PREADY is always 1).
  task apb;
    input        w;
    input [31:0] a;
    input [31:0] d;
    begin
      psel = 1'b1; penable = 1'b0; pwrite = w; paddr = a; pwdata = d;
      cyc;
      penable = 1'b1;
      #1;
      while (!pready) cyc;
      err = pslverr;
      rdata = prdata;
      cyc;
      psel = 1'b0; penable = 1'b0; pwrite = 1'b0;
    end
  endtask

  task fatal;
    input [31:0] a;
    begin
      $display("FATAL bus error at command %0d, address %08x", pc, a);
      $finish;
    end
  endtask

  // firmware/nm_fw.c drain(): pop every queued off-chip packet
  task drain;
    reg more;
    begin
      more = 1'b1;
      while (more) begin
        apb(1'b0, AddrOutInfo, 32'd0);
        if (err) fatal(AddrOutInfo);
        info = rdata;
        if (!info[0]) more = 1'b0;
        else begin
          apb(1'b0, AddrOutFlit, 32'd0);
          if (err) fatal(AddrOutFlit);
          apb(1'b0, AddrOutTick, 32'd0);
          if (err) fatal(AddrOutTick);
          apb(1'b1, AddrOutPop, 32'd1);
          if (err) fatal(AddrOutPop);
          offn = offn + 32'd1;
        end
      end
    end
  endtask

  // firmware/nm_fw.c nm_fw_tick(): start a tick, drain and poll STATUS until BUSY falls
  task fw_tick;
    begin
      offn = 32'd0;
      apb(1'b1, AddrCtrl, 32'd1);
      if (err) fatal(AddrCtrl);
      busy_bit = 1'b1;
      while (busy_bit) begin
        drain;
        apb(1'b0, AddrStatus, 32'd0);
        if (err) fatal(AddrStatus);
        status = rdata;
        if (!status[0]) begin
          busy_bit = 1'b0;
          drain;
        end
      end
      apb(1'b0, AddrLastCyc, 32'd0);
      if (err) fatal(AddrLastCyc);
      $display("TICK %0d %0d %0d", ticknum, rdata, offn);
      ticknum = ticknum + 32'd1;
    end
  endtask

  initial begin
    if (!$value$plusargs("cmds=%s", fname)) begin
      $display("FATAL usage: vvp tb.vvp +cmds=CMDS.hex");
      $finish;
    end
    $readmemh(fname, cmds);
    clk = 1'b0; rst_n = 1'b0;
    psel = 1'b0; penable = 1'b0; pwrite = 1'b0; paddr = 32'd0; pwdata = 32'd0;
    cycles = 64'd0; ticknum = 32'd0; phase = 0; offn = 32'd0;
    // emulator/nm_rtl_chip.c nm_rtl_chip_new(): reset, then the two geometry reads
    repeat (4) cyc;
    rst_n = 1'b1;
    cyc;
    apb(1'b0, AddrGeometry, 32'd0);
    if (rdata[7:0] != MeshX || rdata[15:8] != MeshY) begin
      $display("FATAL chip geometry %08x, expected %0dx%0d", rdata, MeshX, MeshY);
      $finish;
    end
    apb(1'b0, AddrCoreGeom, 32'd0);
    $display("PHASE start");
    $fflush;
    done = 0;
    for (pc = 0; pc < Depth && !done; pc = pc + 1) begin
      case (cmds[pc][71:64])
        8'h00: done = 1;
        8'h01: begin
          apb(1'b1, cmds[pc][63:32], cmds[pc][31:0]);
          if (err) fatal(cmds[pc][63:32]);
        end
        8'h02: begin                       // nm_fw_host_send: retry while full
          err = 1'b1;
          while (err) apb(1'b1, cmds[pc][63:32], cmds[pc][31:0]);
        end
        8'h03: begin
          if (phase == 0) begin
            phase = 1;
            load_cycles = cycles;
            $display("PHASE loaded %0d", cycles);
            $fflush;
          end
          fw_tick;
        end
        8'h04: begin
          if (phase == 1) begin
            phase = 2;
            $display("PHASE ticked %0d", cycles - load_cycles);
            $fflush;
          end
          apb(1'b0, cmds[pc][63:32], 32'd0);
          if (err) fatal(cmds[pc][63:32]);
          $display("READ %08x %08x", cmds[pc][63:32], rdata);
        end
        default: begin
          $display("FATAL unknown command %02x at %0d", cmds[pc][71:64], pc);
          $finish;
        end
      endcase
    end
    if (!done) begin
      $display("FATAL no end command within Depth = %0d", Depth);
      $finish;
    end
    $display("TOTAL cycles %0d", cycles);
    $fflush;
    $finish;
  end
endmodule
